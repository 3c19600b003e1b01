/** The live state of one run segment (a run or a resume): snapshot, agent, budget, abort, events, persistence. */
import type { EventBus } from '../../contracts/event-bus.js';
import type { Clock, IdFactory, Logger, Redactor } from '../../contracts/services.js';
import type { Store, StoreBatchEntry } from '../../contracts/store.js';
import type { ResolvedAgent } from '../agent/agent-setup.js';
import { EventRecorder, type RunEventListener } from '../records/event-recorder.js';
import type { RunRecords } from '../records/run-records.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { mergeBudgets, RunBudget } from './budget.js';
import { RunAbort } from './run-abort.js';
import type { RunPersistence, SaveReason } from './run-persistence.js';

/**
 * The most side-effect-free tool time (ms) a durable run leaves unsaved: the
 * results of such calls ride on the run's next save (usually the one after the
 * next model response) until their durations add up to this, so a crash runs
 * at most this much of them again.
 */
export const PURE_RERUN_LIMIT_MS = 1000;

/** Services every run uses; resolved once per runtime. */
export interface RuntimeServices {
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdFactory;
  readonly redactor: Redactor | undefined;
  readonly records: RunRecords;
}

/** How a segment is driven. */
export interface RunSegmentOptions {
  /** Use `model.stream` and emit `model.delta` events. */
  readonly streaming: boolean;
  /** Receives every event synchronously (for `runtime.stream`). */
  readonly listener?: RunEventListener;
  /** The caller's signal. */
  readonly signal?: AbortSignal;
  /** The run lease's signal (durable runs): aborted when this process lost the run. */
  readonly leaseSignal?: AbortSignal;
  /** When the run record was first written (kept across resumes). */
  readonly createdAt: string;
  /** The process driving this segment (its run-lease owner), recorded in the run record. */
  readonly worker?: string;
}

/** What a segment's context is built from. */
export interface RunContextInit {
  /** The run's state; mutated in place as the run advances. */
  readonly snapshot: RunSnapshot;
  readonly agent: ResolvedAgent;
  readonly services: RuntimeServices;
  /** Where `save` writes (fenced by the run lease for a durable run that holds one). */
  readonly persistence: RunPersistence;
  readonly options: RunSegmentOptions;
}

/**
 * Everything one run segment needs. The snapshot is mutated in place as the
 * run advances; `save` hands it to the persistence, one save at a time.
 */
export class RunContext {
  readonly budget: RunBudget;
  readonly abort: RunAbort;
  readonly recorder: EventRecorder;
  readonly startedAt: number;
  private saving: Promise<unknown> = Promise.resolve();
  /** Side-effect-free tool time (ms) whose results no save holds yet: what a crash would make the run do again. */
  private unsavedPureMs = 0;
  /** The run has no checkpoint yet and its next save is its first (`SaveOptions.fresh`). */
  private fresh = false;

  readonly snapshot: RunSnapshot;
  readonly agent: ResolvedAgent;
  readonly services: RuntimeServices;
  readonly persistence: RunPersistence;
  readonly options: RunSegmentOptions;

  constructor(init: RunContextInit) {
    const { snapshot, agent, services, options } = init;
    this.snapshot = snapshot;
    this.agent = agent;
    this.services = services;
    this.persistence = init.persistence;
    this.options = options;
    const limits = mergeBudgets(agent.budget, snapshot.budget);
    this.budget = new RunBudget(limits, snapshot.usage, agent.model.pricing);
    this.startedAt = services.clock.now();
    const remaining = remainingMs(limits.maxDurationMs, snapshot, this.startedAt);
    this.abort = new RunAbort(remaining, [options.signal, options.leaseSignal]);
    this.recorder = new EventRecorder(
      { runId: snapshot.runId, sessionId: snapshot.sessionId, agentId: snapshot.agentId },
      services.bus,
      services.clock,
      services.redactor,
      services.logger,
      snapshot.eventSeq,
      options.listener,
    );
  }

  /** True when this run checkpoints every step. */
  get durable(): boolean {
    return this.snapshot.durable;
  }

  /**
   * Marks a segment of a run that starts from its input, with no checkpoint
   * stored: its first save tells the persistence so (`SaveOptions.fresh`),
   * which then reads nothing before writing.
   */
  startsWithoutCheckpoint(): void {
    this.fresh = true;
  }

  /**
   * Whether the result of a side-effect-free call (`sideEffects: 'none'`) that
   * took `ms` may wait for the run's next save instead of being saved now: true
   * while the side-effect-free work no save holds yet, this call's included,
   * stays under `PURE_RERUN_LIMIT_MS`. A crash before that save runs those
   * calls again, which changes nothing outside the run.
   */
  deferPureResult(ms: number): boolean {
    this.unsavedPureMs += Math.max(0, ms);
    return this.unsavedPureMs < PURE_RERUN_LIMIT_MS;
  }

  /**
   * Saves the snapshot (with the events since the last save when the
   * persistence stores events). Saves are serialised; resolves when this one is
   * acknowledged and rejects when it failed. A durable save the persistence
   * reports (a `SaveReceipt`) emits `checkpoint.saved`, except the final save
   * of a segment (after `run.completed` / `run.suspended` … nothing is emitted).
   */
  async save(reason: SaveReason): Promise<void> {
    await this.saveWith(reason);
  }

  /** `save`, with store entries to write in the checkpoint's transaction (`SaveOptions.also`); true when they were. */
  saveWith(reason: SaveReason, also?: readonly StoreBatchEntry[]): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const snapshot = this.snapshot;
      snapshot.eventSeq = this.recorder.lastSeq;
      this.unsavedPureMs = 0;
      // Only the first attempt is fresh: a failed save may have written the head all the same.
      const fresh = this.fresh;
      this.fresh = false;
      const events = this.persistence.durable
        ? this.recorder.takeEncoded()
        : { ...this.recorder.identity, firstSeq: this.recorder.lastSeq + 1, items: [] };
      let receipt: Awaited<ReturnType<RunPersistence['save']>>;
      try {
        receipt =
          also || fresh
            ? await this.persistence.save(snapshot, events, reason, { ...(also ? { also } : {}), fresh })
            : await this.persistence.save(snapshot, events, reason);
      } catch (error) {
        // Not stored: the next save (the run's failure or suspension) stores them, so no seq goes missing.
        this.recorder.putBack(events);
        throw error;
      }
      if (receipt && snapshot.durable && reason !== 'run.finished' && reason !== 'run.suspended') {
        this.recorder.emit('checkpoint.saved', {
          step: snapshot.step,
          bytes: receipt.bytes,
          version: receipt.version,
        });
      }
      return receipt?.alsoWritten === true;
    };
    const next = this.saving.then(run, run);
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Adds this segment's wall time to the run's usage (call once, when the segment ends). */
  closeDuration(): void {
    this.snapshot.usage.durationMs += Math.max(0, this.services.clock.now() - this.startedAt);
  }
}

/**
 * Time left before a segment times out: what remains of `maxDurationMs` (active time) and, for a run with a
 * deadline, of the wall-clock time until it — whichever is shorter. `undefined` for no limit.
 */
function remainingMs(
  maxDurationMs: number | undefined,
  snapshot: RunSnapshot,
  nowMs: number,
): number | undefined {
  const active = maxDurationMs === undefined ? undefined : maxDurationMs - snapshot.usage.durationMs;
  if (snapshot.deadlineAt === undefined) return active;
  const wall = snapshot.deadlineAt - nowMs;
  return active === undefined ? wall : Math.min(active, wall);
}
