/**
 * The runs-list index (namespace `run-index`): one small entry per run — creation time, status, agent,
 * session, parent — written beside every run record. `runtime.runs.list` filters, orders and pages these
 * entries, then reads only the records of the page (`getMany`) instead of every record in the store.
 *
 * The record stays the truth: a listed record is checked against the filter again, and an entry whose
 * record is gone is skipped. A store written before the index existed gets it built once, from its run
 * records, by the first `list` (marker `run-index-meta/v1`).
 */
import type { JsonValue } from '../../contracts/json.js';
import type { RunFilter, RunRecord, RunStatus } from '../../contracts/run.js';
import type { Store, StoreFence } from '../../contracts/store.js';

/** Store namespace of the runs-list index, keyed by run id. */
export const RUN_INDEX_NAMESPACE = 'run-index';
const META_NAMESPACE = 'run-index-meta';
const BUILT_KEY = 'v1';

/** One run in the index (short keys: there is one per run, and `list` reads them all). */
export interface RunIndexEntry {
  /** `createdAt` */
  c: string;
  /** tie-breaker of runs created in the same millisecond by one process (`sequence`) */
  q?: number;
  s: RunStatus;
  a: string;
  n: string;
  p?: string;
}

/** A run as `list` orders it: its id and index entry. */
export type IndexedRun = readonly [runId: string, entry: RunIndexEntry];

export function indexEntry(record: RunRecord, sequence?: number): RunIndexEntry {
  return {
    c: record.createdAt,
    ...(sequence === undefined ? {} : { q: sequence }),
    s: record.status,
    a: record.agentId,
    n: record.sessionId,
    ...(record.parentRunId === undefined ? {} : { p: record.parentRunId }),
  };
}

/** Newest first: creation time, then sequence, then run id (so pages are stable). */
export function newestFirst(a: IndexedRun, b: IndexedRun): number {
  if (a[1].c !== b[1].c) return a[1].c < b[1].c ? 1 : -1;
  const bySequence = (b[1].q ?? 0) - (a[1].q ?? 0);
  if (bySequence !== 0) return bySequence;
  return a[0] === b[0] ? 0 : a[0] < b[0] ? 1 : -1;
}

/** True when the run's entry passes the filter's fields (not `limit`, not `after`). */
export function passes(entry: RunIndexEntry, filter: RunFilter): boolean {
  if (filter.sessionId !== undefined && entry.n !== filter.sessionId) return false;
  if (filter.agentId !== undefined && entry.a !== filter.agentId) return false;
  if (filter.status !== undefined && entry.s !== filter.status) return false;
  if (filter.parentRunId !== undefined && entry.p !== filter.parentRunId) return false;
  if (filter.since !== undefined && entry.c < filter.since) return false;
  if (filter.until !== undefined && entry.c >= filter.until) return false;
  return true;
}

/** The ordered runs after `filter.after` (the whole list without it). */
export function afterCursor(ordered: readonly IndexedRun[], filter: RunFilter): readonly IndexedRun[] {
  const after = filter.after;
  if (after === undefined) return ordered;
  const index = ordered.findIndex(([runId]) => runId === after.runId);
  if (index >= 0) return ordered.slice(index + 1);
  const older = ordered.findIndex(([, entry]) => entry.c < after.createdAt);
  return older < 0 ? [] : ordered.slice(older);
}

/** Reads and writes the index over a store. */
export class RunIndex {
  private built: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    /** Namespace of the run records, read once to build the index. */
    private readonly recordsNamespace: string,
  ) {}

  /** Writes a run's entry (with the fence of its record write, so a stale owner writes neither). */
  write(record: RunRecord, sequence: number | undefined, fence: StoreFence | undefined): Promise<void> {
    return this.store.set(
      RUN_INDEX_NAMESPACE,
      record.runId,
      indexEntry(record, sequence) as unknown as JsonValue,
      fence === undefined ? undefined : { fence },
    );
  }

  /** Every indexed run (built first when the store predates the index). */
  async all(): Promise<IndexedRun[]> {
    await this.ensureBuilt();
    const runs: IndexedRun[] = [];
    for await (const [runId, value] of this.store.entries(RUN_INDEX_NAMESPACE)) {
      runs.push([runId, value as unknown as RunIndexEntry]);
    }
    return runs;
  }

  private ensureBuilt(): Promise<void> {
    this.built ??= this.build().catch((error: unknown) => {
      this.built = undefined;
      throw error;
    });
    return this.built;
  }

  /** Indexes the records that have no entry yet, once per store. */
  private async build(): Promise<void> {
    if ((await this.store.get(META_NAMESPACE, BUILT_KEY)) !== undefined) return;
    const indexed = new Set<string>();
    for await (const [runId] of this.store.entries(RUN_INDEX_NAMESPACE)) indexed.add(runId);
    let batch: { key: string; value: JsonValue }[] = [];
    for await (const [runId, value] of this.store.entries(this.recordsNamespace)) {
      if (indexed.has(runId)) continue;
      const record = value as unknown as RunRecord & { sequence?: number };
      batch.push({ key: runId, value: indexEntry(record, record.sequence) as unknown as JsonValue });
      if (batch.length === 500) {
        await this.store.setMany(RUN_INDEX_NAMESPACE, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.store.setMany(RUN_INDEX_NAMESPACE, batch);
    await this.store.set(META_NAMESPACE, BUILT_KEY, new Date().toISOString());
  }
}
