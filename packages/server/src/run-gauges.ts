/**
 * The store-wide gauges of `/metrics` — runs by status, and pending calls waiting for a decision — kept
 * as runs change instead of read at every scrape: a scrape recounts the stored runs only when the last
 * count is older than `recountMs` (default 5 minutes), and the run events of the bus move the counts in
 * between. A scrape then reads nothing from the store, however many runs it holds, except once per
 * `recountMs`. Only runs whose status can still change are remembered (queued, running, suspended,
 * interrupted, and durable runs that failed retryably); runs that ended for good are counted only.
 *
 * Between recounts the counts follow the runs this server's event bus reports: every process's runs with
 * a shared bus (`redis`), this process's runs with an in-process one. The recount brings in what the bus
 * did not report (runs of workers elsewhere, runs the store's retention removed).
 */
import type { AnyAgentryEvent, RunRecord, RunStatus, Runtime } from '@agentry/core';

/** A run whose status may still change. */
interface OpenRun {
  status: RunStatus;
  /** Pending calls (suspended runs). */
  pending: number;
  durable: boolean;
  /** A failed run's error is retryable (a durable one can then be resumed). */
  retryable: boolean;
}

/** Statuses a run leaves only when resumed (`failed`: durable and retryable only). */
const ENDED: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'cancelled', 'failed']);

/** The status (and what it needs) a run event moves its run to; `undefined` for other events. */
function statusOf(
  event: AnyAgentryEvent,
): { status: RunStatus; pending?: number; retryable?: boolean } | undefined {
  switch (event.type) {
    case 'run.queued':
      return { status: 'queued' };
    case 'run.started':
    case 'run.resumed':
      return { status: 'running' };
    case 'run.suspended':
      return { status: 'suspended', pending: event.data.pending.length };
    case 'run.completed':
      return { status: 'completed' };
    case 'run.failed':
      return { status: 'failed', retryable: event.data.error.retryable };
    case 'run.cancelled':
      return { status: 'cancelled' };
    case 'run.interrupted':
      return { status: 'interrupted' };
    case 'run.rejected':
      return { status: 'rejected' };
    default:
      return undefined;
  }
}

/** True when the run may change status again (resumed, taken by a worker, or still going). */
function mayChange(status: RunStatus, durable: boolean, retryable: boolean): boolean {
  if (status === 'failed') return durable && retryable;
  return status !== 'completed' && status !== 'cancelled' && status !== 'rejected';
}

/** Options of `RunGauges`. */
export interface RunGaugesOptions {
  /** Recount the stored runs when the last count is older than this (ms); default 5 minutes. */
  recountMs?: number | undefined;
  /** Clock (epoch ms); default `Date.now`. */
  now?: (() => number) | undefined;
}

const RECOUNT_MS = 5 * 60_000;

export class RunGauges {
  private readonly byStatus = new Map<RunStatus, number>();
  private readonly open = new Map<string, OpenRun>();
  private waitingCalls = 0;
  private readonly recountMs: number;
  private readonly now: () => number;
  private countedAt: number | undefined;
  private counting: Promise<void> | undefined;
  /** Events that arrive while the runs are being counted, applied after the count. */
  private buffered: AnyAgentryEvent[] | undefined;
  private subscribed = false;

  constructor(
    private readonly runtime: Runtime,
    options: RunGaugesOptions = {},
  ) {
    this.recountMs = options.recountMs ?? RECOUNT_MS;
    this.now = options.now ?? Date.now;
  }

  /** Runs by status, and pending calls waiting for a decision (counted from the store now and then). */
  async read(): Promise<{ byStatus: ReadonlyMap<RunStatus, number>; waiting: number }> {
    if (!this.subscribed) {
      this.subscribed = true;
      this.runtime.events.onAny((event) => {
        if (this.buffered) this.buffered.push(event);
        else if (this.countedAt !== undefined) this.observe(event, false);
      });
    }
    if (this.countedAt === undefined || this.now() - this.countedAt >= this.recountMs) {
      this.counting ??= this.count().finally(() => {
        this.counting = undefined;
      });
    }
    await this.counting;
    return { byStatus: this.byStatus, waiting: this.waitingCalls };
  }

  /**
   * Counts the stored runs. Events that arrive meanwhile wait and are applied after: a run the read
   * already saw in its new status moves from that status to the same one, so nothing is counted twice.
   * When the read fails, the counts stay as they were (and the scrape fails).
   */
  private async count(): Promise<void> {
    this.buffered = [];
    let records: RunRecord[];
    try {
      records = await this.runtime.runs.list();
    } catch (error) {
      const missed = this.buffered;
      this.buffered = undefined;
      if (this.countedAt !== undefined) for (const event of missed) this.observe(event, false);
      throw error;
    }
    const buffered = this.buffered;
    this.buffered = undefined;
    this.byStatus.clear();
    this.open.clear();
    this.waitingCalls = 0;
    for (const record of records) {
      this.move(record.runId, record.status, {
        pending: record.status === 'suspended' ? record.pending.length : 0,
        durable: record.durable,
        retryable: record.error?.retryable === true,
        keep: true,
      });
    }
    for (const event of buffered) this.observe(event, true);
    for (const [runId, run] of this.open) {
      if (!mayChange(run.status, run.durable, run.retryable)) this.open.delete(runId);
    }
    this.countedAt = this.now();
  }

  private observe(event: AnyAgentryEvent, seeding: boolean): void {
    const next = statusOf(event);
    if (!next) return;
    const known = this.open.get(event.runId);
    // The end of a run never seen going (a repeated delivery, or a run this bus did not report) is not counted.
    if (!known && !seeding && ENDED.has(next.status)) return;
    const durable =
      event.type === 'run.started' || event.type === 'run.queued'
        ? event.data.durable
        : (known?.durable ?? true);
    this.move(event.runId, next.status, {
      pending: next.pending ?? 0,
      durable,
      retryable: next.retryable === true,
      keep: seeding,
    });
  }

  /** Moves a run from its known status (if any) to `status`; `keep` remembers it even when it ended for good. */
  private move(
    runId: string,
    status: RunStatus,
    options: { pending: number; durable: boolean; retryable: boolean; keep: boolean },
  ): void {
    const known = this.open.get(runId);
    if (known) {
      this.byStatus.set(known.status, (this.byStatus.get(known.status) ?? 0) - 1);
      this.waitingCalls -= known.pending;
    }
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (options.keep || mayChange(status, options.durable, options.retryable)) {
      const { pending, durable, retryable } = options;
      this.open.set(runId, { status, pending, durable, retryable });
      this.waitingCalls += options.pending;
    } else this.open.delete(runId);
  }
}
