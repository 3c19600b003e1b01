/** One AbortController per run: `maxDurationMs`, `runtime.cancel` and the caller's signal all abort through it. */
import { isAgentryError } from '../../errors/agentry-error.js';
import { RunAbortedSignal } from './run-signals.js';
import { checkOnRead } from './signal-on-read.js';

/**
 * Owns the run's abort signal. The signal reaches the model call and every
 * tool; `race` makes sure work that ignores the signal cannot keep the run
 * alive after it aborted. The `maxDurationMs` timer keeps the process alive
 * while the run waits on raced work (a model call or tool that holds no
 * handle of its own would otherwise let Node exit before the timeout), and
 * lets it exit between them; `dispose` clears it when the run ends.
 */
export class RunAbort {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private reason: RunAbortedSignal | undefined;
  /** Rejecters of the races in flight; an abort rejects them all (nothing accumulates per call). */
  private readonly racers = new Set<(reason: unknown) => void>();
  private readonly onExternalAbort: (() => void) | undefined;
  private readonly external: AbortSignal | undefined;

  /**
   * @param remainingMs time left before the run times out (`undefined` for no limit)
   * @param external the caller's signal (`RunRequest.signal`), treated as a cancel
   */
  constructor(remainingMs: number | undefined, external?: AbortSignal) {
    this.signal = this.controller.signal;
    if (remainingMs !== undefined) {
      this.timer = setTimeout(
        () => this.abort(new RunAbortedSignal('timeout', `The run exceeded maxDurationMs`)),
        Math.max(0, remainingMs),
      );
      // Ref'd only while raced work is in flight (see `race`).
      this.timer.unref?.();
    }
    if (external) {
      this.external = external;
      const onExternalAbort = () =>
        this.abort(
          new RunAbortedSignal(
            'cancelled',
            // A lost run lease says so; a caller's own abort reason may be anything.
            isAgentryError(external.reason) ? external.reason.message : 'The caller aborted the run',
          ),
        );
      this.onExternalAbort = onExternalAbort;
      if (external.aborted) onExternalAbort();
      else external.addEventListener('abort', onExternalAbort, { once: true });
      // Reading the run's signal reads the caller's first: a signal that aborts when it is read
      // (a run lease past its local deadline) stops the run before the reader acts.
      checkOnRead(this.signal, () => {
        if (external.aborted) onExternalAbort();
      });
    }
  }

  /** Why the run was aborted, once it was. */
  get aborted(): RunAbortedSignal | undefined {
    return this.reason;
  }

  /** Cancels the run (`runtime.cancel`). */
  cancel(reason = 'cancelled'): void {
    this.abort(new RunAbortedSignal('cancelled', reason));
  }

  /** Throws the abort reason when the run was aborted (the caller's signal is read first). */
  throwIfAborted(): void {
    if (!this.reason && this.external?.aborted) this.onExternalAbort?.();
    if (this.reason) throw this.reason;
  }

  /**
   * Resolves or rejects like `work`, unless the run aborts first: then it
   * rejects with the abort reason at once, whether or not `work` honours the signal.
   */
  race<T>(work: PromiseLike<T>): Promise<T> {
    if (this.reason) {
      Promise.resolve(work).catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const racers = this.racers;
      if (racers.size === 0) this.timer?.ref?.();
      racers.add(reject);
      work.then(
        (value) => {
          this.release(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.release(reject);
          reject(this.reason ?? error);
        },
      );
    });
  }

  /** Forgets a settled race; with none left in flight, the timer no longer keeps the process alive. */
  private release(reject: (reason: unknown) => void): void {
    const racers = this.racers;
    racers.delete(reject);
    if (racers.size === 0) this.timer?.unref?.();
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.external && this.onExternalAbort) {
      this.external.removeEventListener('abort', this.onExternalAbort);
    }
  }

  private abort(reason: RunAbortedSignal): void {
    if (this.reason) return;
    this.reason = reason;
    this.dispose();
    for (const reject of this.racers) reject(reason);
    this.racers.clear();
    this.controller.abort(reason);
  }
}
