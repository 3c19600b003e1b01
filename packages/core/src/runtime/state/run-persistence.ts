/**
 * Where the runtime keeps run snapshots between steps. Non-durable runs use an
 * in-process implementation (suspended runs resume in the same process);
 * durable runs use the store-backed checkpointer.
 */
import type { StoreBatchEntry, StoreFence } from '../../contracts/store.js';
import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';

/** Why a snapshot is being saved (recorded for diagnostics and crash tests). */
export type SaveReason =
  | 'model.responded'
  | 'tool.started'
  | 'tool.finished'
  | 'run.suspended'
  | 'run.finished';

/** What a persistence may report about an acknowledged save (the runtime's `checkpoint.saved` event). */
export interface SaveReceipt {
  /** Approximate size of what the save wrote (head record plus new chunks), as JSON text length. */
  bytes: number;
  /** Format version of the written checkpoint (the envelope's `schemaVersion`). */
  version: number;
  /** True when the save wrote `SaveOptions.also` too, in its own transaction. */
  alsoWritten?: boolean;
  /** True when the save gave the fence's lease up in its own transaction (`SaveOptions.releaseLease`). */
  leaseReleased?: boolean;
}

/** How one save is written. */
export interface SaveOptions {
  /** Every store write of the save carries this fence: a stale owner's save fails with `store.lease_lost`. */
  fence?: StoreFence;
  /**
   * Store entries to write in the same transaction as the checkpoint (the run record with the final save).
   * A persistence that cannot (no fence, a store without `setBatch`) leaves them to the caller and says
   * so by leaving `SaveReceipt.alsoWritten` unset.
   */
  also?: readonly StoreBatchEntry[];
  /**
   * With `fence`: give that lease up in the save's own transaction (a completed run's final save), where
   * the store can (`Store.setBatchIf`); the receipt's `leaseReleased` says whether it did.
   */
  releaseLease?: boolean;
  /**
   * The run has no stored checkpoint (this is the first save of a run that started from its input): the
   * persistence need not read anything of the run before writing.
   */
  fresh?: boolean;
}

export interface RunPersistence {
  /**
   * True when checkpoints outlive this process (a store-backed checkpointer): `save` then stores the
   * events it is given, and a failed durable run may resume from them automatically. False for the
   * in-process map, whose runs' events the runtime writes in one batch when they suspend or finish.
   */
  readonly durable: boolean;
  /**
   * Makes `snapshot` the run's latest checkpoint, together with `events`
   * (those emitted since the previous save, in seq order, as stored text). Resolves only once
   * the write is acknowledged (optionally with a `SaveReceipt`); throws
   * `StoreError`/`CheckpointError` otherwise.
   */
  save(
    snapshot: RunSnapshot,
    events: EncodedRunEvents,
    reason: SaveReason,
    options?: SaveOptions,
    // biome-ignore lint/suspicious/noConfusingVoidType: a persistence that reports nothing returns Promise<void>
  ): Promise<SaveReceipt | undefined | void>;
  /** The latest checkpoint, or `undefined` when the run has none. Throws `CheckpointError` when it is unreadable. */
  load(runId: string): Promise<RunSnapshot | undefined>;
  /** Drops the run's checkpoint data (after completion, when configured to). */
  discard?(runId: string): Promise<void>;
}
