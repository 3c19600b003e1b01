/** A durable run's persistence fenced by its run lease: no checkpoint is written once the lease is lost. */

import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../run/run-snapshot.js';
import type { RunOwnership } from './run-lease.js';
import type { RunPersistence, SaveReason, SaveReceipt } from './run-persistence.js';

/**
 * Delegates to the checkpointer, but checks the ownership before each save:
 * a process that lost its run (paused past its lease, partitioned from the
 * store) fails the save with `run.not_resumable` instead of writing over the
 * process that took the run over.
 */
export class OwnedPersistence implements RunPersistence {
  constructor(
    readonly inner: RunPersistence,
    readonly ownership: RunOwnership,
  ) {}

  get durable(): boolean {
    return this.inner.durable;
  }

  async save(
    snapshot: RunSnapshot,
    events: EncodedRunEvents,
    reason: SaveReason,
    // biome-ignore lint/suspicious/noConfusingVoidType: a persistence that reports nothing returns Promise<void>
  ): Promise<SaveReceipt | undefined | void> {
    await this.ownership.ensureHeld();
    return this.inner.save(snapshot, events, reason);
  }

  load(runId: string): Promise<RunSnapshot | undefined> {
    return this.inner.load(runId);
  }
}
