/** Run records in the store (namespace `runs`): one per run, listed newest first by `runtime.runs.list`. */
import type { JsonValue } from '../../contracts/json.js';
import type {
  ApprovalPolicy,
  Budget,
  RunFilter,
  RunRecord,
  RunResult,
  SessionBusyPolicy,
} from '../../contracts/run.js';
import type { Redactor } from '../../contracts/services.js';
import type { Store, StoreBatchEntry, StoreFence } from '../../contracts/store.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import {
  afterCursor,
  type IndexedRun,
  indexEntry,
  newestFirst,
  passes,
  RUN_INDEX_NAMESPACE,
  RunIndex,
} from './run-index.js';

/** A store entry of a run record (the record, or its runs-list entry). */
type RecordEntry = Extract<StoreBatchEntry, { value: JsonValue }>;

/** Store namespace of run records. */
export const RUNS_NAMESPACE = 'runs';

/**
 * A stored record: the contract's fields plus a tie-breaker for runs created
 * in the same millisecond and, while a durable run is running, the request's
 * budget and approvals (so a run stopped before its first checkpoint restarts
 * under the same limits).
 */
type StoredRecord = RunRecord & { sequence?: number; request?: RunRequestLimits; queue?: QueuedOptions };

/** How a queued run was submitted (kept with its `queued` record, so the run can be offered again). */
export interface QueuedOptions {
  priority?: number;
  /** Not before (epoch milliseconds). */
  runAt?: number;
}

/** The parts of a run request a restart needs beyond the record. */
export interface RunRequestLimits {
  budget?: Budget;
  approvals?: ApprovalPolicy;
  /** A queued run's `deadline` and `metadata` (a worker checks the one, run hooks see the other). */
  deadline?: string | number;
  metadata?: { [key: string]: JsonValue };
  /** A queued run's `sessionPolicy`, applied by the worker that takes it. */
  sessionPolicy?: SessionBusyPolicy;
}

let nextSequence = 0;

/** Reads and writes run records. */
export class RunRecords {
  /** Sequence numbers of the runs this process is running, kept from start to finish. */
  private readonly sequences = new Map<string, number>();
  /** The runs-list index written beside every record. */
  private readonly index: RunIndex;

  constructor(
    private readonly store: Store,
    /** Removes secrets from inputs, outputs and error messages before they are stored. */
    private readonly redactor?: Redactor,
    /**
     * The fence of a run this process owns (its run lease): the store
     * refuses the record writes of a process that lost the run.
     */
    private readonly fenceOf?: (runId: string) => StoreFence | undefined,
  ) {
    this.index = new RunIndex(store, RUNS_NAMESPACE);
  }

  /**
   * Running non-durable runs of this process, served from memory: their
   * `running` record is never written (the final record is), which saves a
   * store write per run. Durable runs write it, so other processes see them.
   */
  private readonly live = new Map<string, { record: RunRecord; snapshot: RunSnapshot }>();

  /**
   * Records a run submitted to a queue (status `queued`), with the request's limits, so the worker that
   * takes it starts it under them.
   */
  async queued(record: RunRecord, limits: RunRequestLimits, queue: QueuedOptions = {}): Promise<void> {
    await this.write(
      record,
      Object.keys(limits).length > 0 ? limits : undefined,
      Object.keys(queue).length > 0 ? queue : undefined,
    );
  }

  /** The priority and `runAt` a queued run was submitted with. */
  async queuedOptions(runId: string): Promise<QueuedOptions> {
    const stored = (await this.store.get(RUNS_NAMESPACE, runId)) as StoredRecord | undefined;
    return stored?.queue ?? {};
  }

  /** Marks a stored run `queued` again (a continuation was enqueued), keeping the rest of its record. */
  async requeued(runId: string, now: string): Promise<void> {
    const stored = (await this.store.get(RUNS_NAMESPACE, runId)) as StoredRecord | undefined;
    if (!stored) return;
    const record: StoredRecord = { ...stored, status: 'queued', updatedAt: now };
    await Promise.all([
      this.store.set(RUNS_NAMESPACE, runId, record as unknown as JsonValue),
      this.index.write(record, record.sequence, undefined),
    ]);
  }

  /**
   * Ends a run whose queue job failed for good (status `failed` with `error`), keeping the rest of its
   * record; the write carries `fence` (the run lease the caller took), so it never lands over a live owner.
   */
  async jobFailed(runId: string, error: NonNullable<RunRecord['error']>, now: string, fence: StoreFence) {
    const stored = (await this.store.get(RUNS_NAMESPACE, runId)) as StoredRecord | undefined;
    if (!stored) return;
    const failed: StoredRecord = { ...stored, status: 'failed', stopReason: 'error', error, updatedAt: now };
    const record = this.redactor ? this.redactor.redact(failed) : failed;
    await Promise.all([
      this.store.set(RUNS_NAMESPACE, runId, record as unknown as JsonValue, { fence }),
      this.index.write(record, record.sequence, fence),
    ]);
  }

  /** Records a run that is starting or resuming (status `running`); `worker` names the process driving it. */
  async started(snapshot: RunSnapshot, now: string, createdAt = now, worker?: string): Promise<RunRecord> {
    const record: RunRecord = {
      runId: snapshot.runId,
      sessionId: snapshot.sessionId,
      agentId: snapshot.agentId,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
      status: 'running',
      input: snapshot.input,
      durable: snapshot.durable,
      usage: { ...snapshot.usage },
      pending: [],
      ...(worker === undefined ? {} : { worker }),
      createdAt,
      updatedAt: now,
    };
    nextSequence += 1;
    this.sequences.set(record.runId, nextSequence);
    if (snapshot.durable) {
      const request: RunRequestLimits = {
        ...(snapshot.budget ? { budget: snapshot.budget } : {}),
        ...(snapshot.approvals ? { approvals: snapshot.approvals } : {}),
      };
      // Need not be flushed on its own, as the run's first checkpoint: a flushed write (before a tool with side
      // effects runs, the final save) follows and flushes both.
      await this.write(record, Object.keys(request).length > 0 ? request : undefined, undefined, {
        deferFlush: true,
      });
    } else this.live.set(record.runId, { record, snapshot });
    return record;
  }

  /** The budget and approvals a running durable run was started with (empty when none were given). */
  async requestLimits(runId: string): Promise<RunRequestLimits> {
    return (await this.getWithLimits(runId))?.limits ?? {};
  }

  /**
   * Writes the final (or suspended) state of a run from its result. `writeWith` (the run's final save)
   * is given the record's store entries and resolves true when it wrote them in its own transaction, with
   * the final checkpoint; otherwise they are written here, after it, in one batch after `before` (a run
   * that is not durable: its events).
   */
  async finished(
    snapshot: RunSnapshot,
    result: RunResult,
    createdAt: string,
    now: string,
    worker?: string,
    writeWith?: (entries: readonly StoreBatchEntry[]) => Promise<boolean>,
    before: readonly StoreBatchEntry[] = [],
  ): Promise<void> {
    const record: RunRecord = {
      runId: snapshot.runId,
      sessionId: snapshot.sessionId,
      agentId: snapshot.agentId,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
      status: result.status,
      stopReason: result.stopReason,
      input: snapshot.input,
      ...(result.status === 'completed' ? { output: result.output } : {}),
      durable: snapshot.durable,
      usage: { ...result.usage },
      pending: result.pending,
      ...(result.error ? { error: result.error } : {}),
      ...(worker === undefined ? {} : { worker }),
      createdAt,
      updatedAt: now,
    };
    if (!(await writeWith?.(this.entries(record))))
      await this.write(record, undefined, undefined, {}, before);
    this.sequences.delete(record.runId);
    this.live.delete(record.runId);
  }

  /** The current record of a live run, with its usage so far. */
  private liveRecord(runId: string): StoredRecord | undefined {
    const entry = this.live.get(runId);
    if (!entry) return undefined;
    const record = this.redactor ? this.redactor.redact(entry.record) : entry.record;
    return { ...record, usage: { ...entry.snapshot.usage }, sequence: this.sequences.get(runId) ?? 0 };
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const live = this.liveRecord(runId);
    if (live) {
      const { sequence: _sequence, ...record } = live;
      return record;
    }
    return (await this.getWithLimits(runId))?.record;
  }

  /**
   * The stored record of `runId` (as `get` gives it) and the request limits it was enqueued or started with,
   * in one read (a queued run's worker needs both).
   */
  async getWithLimits(runId: string): Promise<{ record: RunRecord; limits: RunRequestLimits } | undefined> {
    const stored = (await this.store.get(RUNS_NAMESPACE, runId)) as StoredRecord | undefined;
    if (!stored) return undefined;
    const { sequence: _sequence, request, queue: _queue, ...record } = stored;
    return { record, limits: request ?? {} };
  }

  /**
   * Records matching `filter`, newest first, at most `filter.limit`, after `filter.after`. The filter
   * runs on the runs-list index; only the records that make the answer are read.
   */
  async list(filter: RunFilter = {}): Promise<RunRecord[]> {
    const candidates: IndexedRun[] = [];
    const live = new Map<string, StoredRecord>();
    for (const runId of this.live.keys()) {
      const record = this.liveRecord(runId) as StoredRecord;
      live.set(runId, record);
      candidates.push([runId, indexEntry(record, record.sequence)]);
    }
    for (const run of await this.index.all()) if (!live.has(run[0])) candidates.push(run);
    const ordered = afterCursor(
      candidates.filter(([, entry]) => passes(entry, filter)).sort(newestFirst),
      filter,
    );
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const found: RunRecord[] = [];
    for (let start = 0; start < ordered.length && found.length < limit; ) {
      // Read the page's records; an entry whose record is gone or changed is skipped, and more are read.
      const chunk = ordered.slice(start, start + Math.min(limit - found.length + 8, 1000));
      start += chunk.length;
      const stored = await this.store.getMany(
        RUNS_NAMESPACE,
        chunk.filter(([runId]) => !live.has(runId)).map(([runId]) => runId),
      );
      let next = 0;
      for (const [runId] of chunk) {
        const record = live.get(runId) ?? (stored[next++] as unknown as StoredRecord | undefined);
        if (record === undefined || !passes(indexEntry(record), filter)) continue;
        const { sequence: _sequence, request: _request, queue: _queue, ...plain } = record;
        found.push(plain);
        if (found.length === limit) break;
      }
    }
    return found;
  }

  /** The record as stored (redacted, with its sequence, request and queue options) and its store entries. */
  private entries(plain: RunRecord, request?: RunRequestLimits, queue?: QueuedOptions) {
    const record = this.redactor ? this.redactor.redact(plain) : plain;
    const sequence = this.sequences.get(record.runId);
    const stored: StoredRecord = {
      ...record,
      ...(sequence === undefined ? {} : { sequence }),
      ...(request === undefined ? {} : { request }),
      ...(queue === undefined ? {} : { queue }),
    };
    const entries: RecordEntry[] = [
      { namespace: RUNS_NAMESPACE, key: record.runId, value: stored as unknown as JsonValue },
      {
        namespace: RUN_INDEX_NAMESPACE,
        key: record.runId,
        value: indexEntry(record, sequence) as unknown as JsonValue,
      },
    ];
    return entries;
  }

  private async write(
    plain: RunRecord,
    request?: RunRequestLimits,
    queue?: QueuedOptions,
    options: { deferFlush?: boolean } = {},
    before: readonly StoreBatchEntry[] = [],
  ): Promise<void> {
    const entries = this.entries(plain, request, queue);
    const fence = this.fenceOf?.(plain.runId);
    const writeOptions = fence === undefined ? options : { ...options, fence };
    if (this.store.setBatch !== undefined) {
      // The record and its runs-list entry (after `before`) in one batch: one round trip, one commit where
      // the store writes a batch in one transaction (fenced, always).
      await this.store.setBatch([...before, ...entries], writeOptions);
      return;
    }
    for (const entry of before) {
      const { namespace, key } = entry;
      if (!('text' in entry)) await this.store.set(namespace, key, entry.value, writeOptions);
      else if (this.store.setJsonText) await this.store.setJsonText(namespace, key, entry.text, writeOptions);
      else await this.store.set(namespace, key, JSON.parse(entry.text) as JsonValue, writeOptions);
    }
    await Promise.all(
      entries.map((entry) => this.store.set(entry.namespace, entry.key, entry.value, writeOptions)),
    );
  }
}
