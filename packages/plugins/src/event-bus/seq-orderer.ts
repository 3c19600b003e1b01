/** Per-run reorder buffer: releases events in contiguous `seq` order, holding later ones while a gap is open. */
import type { AnyAgentryEvent } from '@agentry/core';

/** Options of `SeqOrderer`. */
export interface SeqOrdererOptions {
  /** Called once per event, in seq order within a run. */
  deliver(event: AnyAgentryEvent): void;
  /** How long later events wait for a missing seq before it is skipped. */
  gapTimeoutMs: number;
  /** Told which seqs were given up on. */
  onGap?(runId: string, missing: number[]): void;
  /** Runs remembered at most (oldest forgotten first). */
  maxRuns?: number;
}

/** Events after which a run emits nothing more (a suspended run continues on resume, so it is kept). */
const FINAL_TYPES: ReadonlySet<string> = new Set(['run.completed', 'run.failed', 'run.cancelled']);

interface RunState {
  /** The seq to deliver next; undefined until the first event of the run is seen. */
  next: number | undefined;
  held: Map<number, AnyAgentryEvent>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A run's first event seen starts delivery when it is `seq` 1; otherwise it
 * is held for `gapTimeoutMs` in case earlier events are still on the way
 * (a subscriber that joins mid-run waits once). Events at or below the
 * delivered position are duplicates and dropped.
 */
export class SeqOrderer {
  readonly #options: SeqOrdererOptions;
  readonly #runs = new Map<string, RunState>();

  constructor(options: SeqOrdererOptions) {
    this.#options = options;
  }

  /** Accepts one event from the wire. */
  push(event: AnyAgentryEvent): void {
    const run = this.#state(event.runId);
    if (run.next === undefined && event.seq === 1) run.next = 1;
    if (run.next !== undefined && event.seq < run.next) return;
    run.held.set(event.seq, event);
    this.#drain(event.runId, run);
  }

  /**
   * Marks everything up to `seq` of a run as delivered elsewhere (this process
   * published it); `type` is that event's type, so a run's end frees its state.
   */
  skipTo(runId: string, seq: number, type?: string): void {
    const run = this.#state(runId);
    if (run.next === undefined || run.next <= seq) run.next = seq + 1;
    for (const held of [...run.held.keys()]) if (held < run.next) run.held.delete(held);
    if (type !== undefined && FINAL_TYPES.has(type) && run.held.size === 0) this.#forget(runId, run);
    else this.#drain(runId, run);
  }

  /** Runs whose position is remembered now (a run that completed, failed or was cancelled is not). */
  get trackedRuns(): number {
    return this.#runs.size;
  }

  /** Drops every held event and timer. */
  clear(): void {
    for (const run of this.#runs.values()) if (run.timer) clearTimeout(run.timer);
    this.#runs.clear();
  }

  #state(runId: string): RunState {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = { next: undefined, held: new Map(), timer: undefined };
      this.#runs.set(runId, run);
      const max = this.#options.maxRuns ?? 10_000;
      if (this.#runs.size > max) {
        const oldest = this.#runs.keys().next().value as string;
        const dropped = this.#runs.get(oldest);
        if (dropped?.held.size === 0) this.#runs.delete(oldest);
      }
    } else {
      // Keep recently active runs at the end (least recently used first).
      this.#runs.delete(runId);
      this.#runs.set(runId, run);
    }
    return run;
  }

  #drain(runId: string, run: RunState): void {
    if (run.next !== undefined) {
      let event = run.held.get(run.next);
      while (event !== undefined) {
        run.held.delete(run.next);
        run.next += 1;
        this.#options.deliver(event);
        if (FINAL_TYPES.has(event.type) && run.held.size === 0) {
          // The run has ended: nothing of it stays behind in a long-lived subscriber.
          this.#forget(runId, run);
          return;
        }
        event = run.held.get(run.next);
      }
    }
    if (run.held.size === 0) {
      if (run.timer !== undefined) clearTimeout(run.timer);
      run.timer = undefined;
    } else if (run.timer === undefined) {
      run.timer = setTimeout(() => this.#giveUp(runId, run), this.#options.gapTimeoutMs);
      run.timer.unref?.();
    }
  }

  #forget(runId: string, run: RunState): void {
    if (run.timer !== undefined) clearTimeout(run.timer);
    if (this.#runs.get(runId) === run) this.#runs.delete(runId);
  }

  #giveUp(runId: string, run: RunState): void {
    run.timer = undefined;
    if (run.held.size === 0) return;
    const lowest = Math.min(...run.held.keys());
    if (run.next !== undefined && lowest > run.next) {
      const missing: number[] = [];
      for (let seq = run.next; seq < lowest; seq++) missing.push(seq);
      this.#options.onGap?.(runId, missing);
    }
    run.next = lowest;
    this.#drain(runId, run);
  }
}
