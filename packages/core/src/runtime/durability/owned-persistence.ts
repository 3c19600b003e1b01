/** A durable run's persistence fenced by its run lease: the store refuses every checkpoint write once the lease is lost. */

import type { Logger } from '../../contracts/services.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import type { RunPersistence, SaveOptions, SaveReason, SaveReceipt } from '../state/run-persistence.js';
import type { RunOwnership } from './run-lease.js';

/**
 * Delegates to the checkpointer with the run lease as the fence of every
 * write: the store itself refuses the writes of a process that lost its run
 * (paused past its lease, partitioned from the store) with
 * `store.lease_lost`, so it cannot write over the process that took the run
 * over. A loss this process already knows of (the lease's local deadline
 * passed, the heartbeat found it taken) fails the save with
 * `run.not_resumable` before anything is sent. Each refused save is logged
 * (`a stale write was refused`), so an operator sees a paused owner fenced out.
 */
export class OwnedPersistence implements RunPersistence {
  constructor(
    readonly inner: RunPersistence,
    readonly ownership: RunOwnership,
    private readonly logger?: Logger,
  ) {}

  get durable(): boolean {
    return this.inner.durable;
  }

  async save(
    snapshot: RunSnapshot,
    events: EncodedRunEvents,
    reason: SaveReason,
    options: SaveOptions = {},
    // biome-ignore lint/suspicious/noConfusingVoidType: a persistence that reports nothing returns Promise<void>
  ): Promise<SaveReceipt | undefined | void> {
    // A completed run's final save gives the run lease up in its own transaction (no release call after it).
    const last = reason === 'run.finished' && snapshot.status === 'completed';
    let released = false;
    try {
      await this.ownership.ensureHeld();
      if (!last)
        return await this.inner.save(snapshot, events, reason, { ...options, fence: this.ownership.fence });
      const fence = this.ownership.lastWrite();
      const receipt = await this.inner.save(snapshot, events, reason, {
        ...options,
        fence,
        releaseLease: true,
      });
      released = receipt?.leaseReleased === true;
      return receipt;
    } catch (error) {
      if (
        isAgentryError(error) &&
        (error.code === 'run.not_resumable' || error.code === 'store.lease_lost')
      ) {
        this.logger?.warn('a stale write was refused: this process no longer holds the run', {
          runId: snapshot.runId,
          reason,
          // Refused here (the lease's local deadline passed) or by the store (another owner's fence).
          refusedBy: error.code === 'store.lease_lost' ? 'store' : 'lease deadline',
        });
      }
      throw error;
    } finally {
      if (last) this.ownership.lastWriteDone(released);
    }
  }

  load(runId: string): Promise<RunSnapshot | undefined> {
    return this.inner.load(runId);
  }
}
