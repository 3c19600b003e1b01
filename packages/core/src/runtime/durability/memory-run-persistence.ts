/** In-process run persistence (a Map) for non-durable runs: a suspended run resumes in the same process. */
import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import type { RunPersistence, SaveReason } from '../state/run-persistence.js';

/**
 * Keeps the latest snapshot of each run in memory. Events are not kept here:
 * the runtime writes a non-durable run's events to the store in one batch at
 * suspend and finish. Snapshots of finished runs are dropped.
 */
export class MemoryRunPersistence implements RunPersistence {
  readonly durable = false;
  private readonly snapshots = new Map<string, RunSnapshot>();

  async save(snapshot: RunSnapshot, _events: EncodedRunEvents, reason: SaveReason): Promise<void> {
    if (reason === 'run.finished') {
      this.snapshots.delete(snapshot.runId);
      return;
    }
    this.snapshots.set(snapshot.runId, snapshot);
  }

  async load(runId: string): Promise<RunSnapshot | undefined> {
    return this.snapshots.get(runId);
  }

  async discard(runId: string): Promise<void> {
    this.snapshots.delete(runId);
  }
}
