/**
 * The write side of `StoreCheckpointer`: a planned save applied to the store — deltas (message chunks, the memory
 * blob, flushed events) first and the head last, or all of it in one fenced batch where the store has `setBatch`.
 */
import type { JsonValue } from '../../contracts/json.js';
import type { Store, StoreBatchEntry, StoreFence, StoreWriteOptions } from '../../contracts/store.js';
import {
  type EncodedRunEvents,
  encodedEventBlocks,
  RUN_EVENTS_NAMESPACE,
  writeEncodedRunEvents,
} from '../records/event-log.js';
import type { SaveReason } from '../state/run-persistence.js';
import type { RunTrack } from './checkpoint-track.js';
import { crashPoint } from './crash-points.js';
import { CHECKPOINT_DATA_NAMESPACE, CHECKPOINT_NAMESPACE } from './envelope.js';

/** One save, planned: what `applySave` writes, and the run's track once it is written. */
export interface SavePlan {
  readonly next: RunTrack;
  /** Message chunks and the memory blob, written before the head. */
  readonly writes: readonly { key: string; value: JsonValue }[];
  /** Events moved out of the head into the `events` namespace, written before the head. */
  readonly flushEvents: EncodedRunEvents | undefined;
  readonly headText: string;
  /** JSON text length of the deltas written before the head. */
  readonly deltaBytes: number;
  /** True for the final save of a segment (`run.finished`, `run.suspended`). */
  readonly ending: boolean;
  readonly options: typeof DEFERRED | undefined;
}

/**
 * Saves whose write need not be flushed before it is acknowledged
 * (`StoreSetOptions.deferFlush`): each is followed by a flushed write before
 * anything with side effects happens — `tool.started` before a tool with side
 * effects runs, the run's final save before its result is returned — and a
 * flushed write flushes every earlier one. A store backend that crashes may
 * lose the deferred ones; the run then resumes from an earlier checkpoint,
 * repeating model calls and side-effect-free tools, retrying idempotent calls
 * under their key, and stopping at `outcome_unknown` for unsafe ones.
 */
export const DEFERRED_REASONS: ReadonlySet<SaveReason> = new Set<SaveReason>([
  'model.responded',
  'tool.finished',
]);
export const DEFERRED = { deferFlush: true } as const;

export const messageKey = (runId: string, generation: number, index: number) =>
  `msg:${runId}:${generation}:${index}`;
/**
 * The record written with a run's first checkpoint (namespace `checkpoint-data`): with it, a run whose
 * head is gone is "checkpoint lost" (`checkpoint.missing`), not "never checkpointed" (start from input).
 */
export const firstCheckpointKey = (runId: string) => `first:${runId}`;

/**
 * Writes a planned save: with a fence on a store that has `setBatch`, in one transaction (one commit) with
 * `also` after the head; otherwise the deltas, then the head, then (once per run) the first-checkpoint record.
 * Then drops the chunks the new head no longer references. `alsoWritten`: `also` was written;
 * `leaseReleased`: `releaseLease` asked to give the fence's lease up in that transaction, and the store did
 * (`setBatchIf` with `releaseFence`).
 */
export async function applySave(
  store: Store,
  runId: string,
  plan: SavePlan,
  fence: StoreFence | undefined,
  also: readonly StoreBatchEntry[] = [],
  releaseLease = false,
): Promise<{ alsoWritten: boolean; leaseReleased: boolean }> {
  const batched = fence !== undefined && store.setBatch !== undefined;
  const leaseReleased = batched && releaseLease && store.setBatchIf !== undefined;
  if (batched) await applyBatch(store, runId, plan, { ...plan.options, fence }, also, leaseReleased);
  else await applyInOrder(store, runId, plan, fence);
  const { next } = plan;
  if (next.stale !== undefined) {
    await deleteChunks(store, runId, next.stale.generation, next.stale.chunks);
    next.stale = undefined;
  }
  return { alsoWritten: batched && also.length > 0, leaseReleased };
}

async function applyInOrder(
  store: Store,
  runId: string,
  plan: SavePlan,
  fence: StoreFence | undefined,
): Promise<void> {
  const { next, writes, flushEvents, headText } = plan;
  const options = fence === undefined ? plan.options : { ...plan.options, fence };
  if (writes.length > 0 || flushEvents !== undefined) {
    const [, eventBlock] = await Promise.all([
      writes.length > 0
        ? store.setMany(CHECKPOINT_DATA_NAMESPACE, writes, fence === undefined ? undefined : { fence })
        : undefined,
      flushEvents === undefined
        ? next.eventBlock
        : writeEncodedRunEvents(store, flushEvents, next.eventBlock, options),
    ]);
    next.eventBlock = eventBlock;
    crashPoint('delta-written');
  }
  if (store.setJsonText) await store.setJsonText(CHECKPOINT_NAMESPACE, runId, headText, options);
  else await store.set(CHECKPOINT_NAMESPACE, runId, JSON.parse(headText) as JsonValue, options);
  if (!next.recorded) {
    // Written after the head: a crash before it leaves a head (resumable), never a record without one.
    await store.set(CHECKPOINT_DATA_NAMESPACE, firstCheckpointKey(runId), { checkpointed: true }, options);
    next.recorded = true;
  }
}

/** Chunks, blobs, flushed events, the head, the first-checkpoint record and `also` in one fenced `setBatch`. */
async function applyBatch(
  store: Store,
  runId: string,
  plan: SavePlan,
  options: StoreWriteOptions,
  also: readonly StoreBatchEntry[],
  releaseFence: boolean,
): Promise<void> {
  const { next, writes, flushEvents, headText } = plan;
  const entries: StoreBatchEntry[] = writes.map(({ key, value }) => ({
    namespace: CHECKPOINT_DATA_NAMESPACE,
    key,
    value,
  }));
  if (flushEvents !== undefined) {
    const { blocks, last } = await encodedEventBlocks(store, flushEvents, next.eventBlock);
    for (const { key, text } of blocks) entries.push({ namespace: RUN_EVENTS_NAMESPACE, key, text });
    next.eventBlock = last;
  }
  if (entries.length > 0) crashPoint('delta-written');
  entries.push({ namespace: CHECKPOINT_NAMESPACE, key: runId, text: headText });
  if (!next.recorded) {
    const value = { checkpointed: true };
    entries.push({ namespace: CHECKPOINT_DATA_NAMESPACE, key: firstCheckpointKey(runId), value });
  }
  entries.push(...also);
  if (releaseFence) await store.setBatchIf?.(entries, { ...options, releaseFence });
  else await store.setBatch?.(entries, options);
  next.recorded = true;
}

/** Best effort: leftovers are harmless (no head references them), so a failed delete is ignored. */
export async function deleteChunks(
  store: Store,
  runId: string,
  generation: number,
  chunks: number,
): Promise<void> {
  const keys = Array.from({ length: chunks }, (_, index) => messageKey(runId, generation, index));
  await Promise.all(keys.map((key) => store.delete(CHECKPOINT_DATA_NAMESPACE, key))).catch(() => {});
}
