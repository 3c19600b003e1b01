/** The runs a runtime executes right now, registered synchronously so `cancel` reaches a run from its first tick. */
import type { RunContext } from './state/run-context.js';

/** A run executing (or about to execute) in this process; `run` is its current segment once it exists. */
export class ActiveRun {
  /** The current segment; undefined while the run is still being loaded or prepared. */
  run: RunContext | undefined;
  /** The caller's signal (`RunRequest.signal` / `ResumeRequest.signal`), kept for later segments. */
  callerSignal: AbortSignal | undefined;
  #done: Promise<void> | undefined;
  #settle: (() => void) | undefined;
  #ended = false;
  #stop: AbortController | undefined;
  #stopped = false;
  #cancelReason: string | undefined;
  #interruptReason: string | undefined;

  constructor(readonly runId: string) {}

  /** Resolves when the run has ended (or failed to start). Made on first use: most runs are never waited for. */
  get done(): Promise<void> {
    if (this.#done === undefined) {
      this.#done = this.#ended
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#settle = resolve;
          });
    }
    return this.#done;
  }

  /**
   * Aborts when the run is cancelled or interrupted: stops waits (automatic-resume backoff, waiting for an
   * orphaned lease or a busy session). Made on first use: most runs never wait.
   */
  get stopSignal(): AbortSignal {
    if (this.#stop === undefined) {
      this.#stop = new AbortController();
      if (this.#stopped) this.#stop.abort();
    }
    return this.#stop.signal;
  }

  /** Makes `run` the current segment; a cancel or interrupt that came earlier applies to it at once. */
  attach(run: RunContext): RunContext {
    this.run = run;
    if (this.#cancelReason !== undefined) run.abort.cancel(this.#cancelReason);
    else if (this.#interruptReason !== undefined) stopAtSafePoint(run, this.#interruptReason);
    return run;
  }

  /**
   * Interrupts the current segment (or the first one as soon as it exists): a durable run ends
   * `interrupted`, resumable; a run without durable persistence cannot be resumed later and is cancelled.
   */
  interrupt(reason: string): void {
    if (this.#cancelReason !== undefined) return;
    this.#interruptReason ??= reason;
    this.#abortWaits();
    if (this.run) stopAtSafePoint(this.run, reason);
  }

  /** Cancels the current segment, or the first one as soon as it exists. */
  cancel(reason: string): void {
    this.#cancelReason ??= reason;
    this.#abortWaits();
    this.run?.abort.cancel(reason);
  }

  #abortWaits(): void {
    this.#stopped = true;
    this.#stop?.abort();
  }

  /** True once `cancel` was called. */
  get cancelled(): boolean {
    return this.#cancelReason !== undefined;
  }

  /** Marks the run as ended. */
  settle(): void {
    this.#ended = true;
    this.#settle?.();
  }
}

function stopAtSafePoint(run: RunContext, reason: string): void {
  if (run.durable && run.persistence.durable) run.abort.interrupt(reason);
  else run.abort.cancel(reason);
}

/** Active runs by id. */
export class ActiveRuns {
  readonly #runs = new Map<string, ActiveRun>();

  has(runId: string): boolean {
    return this.#runs.has(runId);
  }

  get(runId: string): ActiveRun | undefined {
    return this.#runs.get(runId);
  }

  /** Registers a run synchronously; `end` removes it again and settles it. */
  register(runId: string): ActiveRun {
    const entry = new ActiveRun(runId);
    this.#runs.set(runId, entry);
    return entry;
  }

  end(entry: ActiveRun): void {
    if (this.#runs.get(entry.runId) === entry) this.#runs.delete(entry.runId);
    entry.settle();
  }

  /** Every run active now. */
  all(): ActiveRun[] {
    return [...this.#runs.values()];
  }

  /** Resolves once every run active now has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#runs.values()].map((entry) => entry.done));
  }
}
