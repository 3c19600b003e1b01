/**
 * Where the runtime keeps run snapshots between steps. Non-durable runs use an
 * in-process implementation (suspended runs resume in the same process);
 * durable runs use the store-backed checkpointer.
 */
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { RunSnapshot } from './run-snapshot.js';

/** Why a snapshot is being saved (recorded for diagnostics and crash tests). */
export type SaveReason =
  | 'run.started'
  | 'model.responded'
  | 'tool.started'
  | 'tool.finished'
  | 'run.suspended'
  | 'run.finished';

export interface RunPersistence {
  /**
   * Makes `snapshot` the run's latest checkpoint, together with `events`
   * (those emitted since the previous save, in seq order). Resolves only once
   * the write is acknowledged; throws `StoreError`/`CheckpointError` otherwise.
   */
  save(snapshot: RunSnapshot, events: readonly AnyAgentryEvent[], reason: SaveReason): Promise<void>;
  /** The latest checkpoint, or `undefined` when the run has none. Throws `CheckpointError` when it is unreadable. */
  load(runId: string): Promise<RunSnapshot | undefined>;
  /** Drops the run's checkpoint data (after completion, when configured to). */
  discard?(runId: string): Promise<void>;
}
