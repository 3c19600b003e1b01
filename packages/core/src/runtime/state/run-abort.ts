/** One AbortController per run: `maxDurationMs`, `runtime.cancel`/`interrupt` and the caller's signal abort through it. */
import { isAgentryError } from '../../errors/agentry-error.js';
import { isRunAbortedSignal, RunAbortedSignal } from './run-signals.js';
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
  /**
   * A cancel, unless an external signal's reason is an interruption (a parent run's signal reaching a
   * child); a lost run lease says so in the message. Bound (made) only for a run with external signals.
   */
  private onExternalAbort(): void {
    const reasons = this.externals
      .filter((signal) => signal.aborted)
      .map((signal) => signal.reason as unknown);
    const interrupted = reasons.find(
      (reason): reason is RunAbortedSignal =>
        isRunAbortedSignal(reason) && reason.stopReason === 'interrupted',
    );
    const lease = reasons.find((reason) => !isRunAbortedSignal(reason) && isAgentryError(reason));
    this.abort(
      interrupted
        ? new RunAbortedSignal('interrupted', interrupted.message)
        : new RunAbortedSignal('cancelled', lease ? (lease as Error).message : 'The caller aborted the run'),
    );
  }
  private readonly externals: readonly AbortSignal[];
  /** `onExternalAbort` bound to this run, the listener added to each external signal (none without them). */
  private readonly externalListener: (() => void) | undefined;

  /**
   * @param remainingMs time left before the run times out (`undefined` for no limit)
   * @param externals signals treated as a cancel: the caller's (`RunRequest.signal`) and the run lease's.
   *   Listened to directly and detached by `dispose` (`AbortSignal.any` would leave about 1 KB per run on a
   *   long-lived caller signal in Node 20).
   */
  constructor(remainingMs: number | undefined, externals: readonly (AbortSignal | undefined)[] = []) {
    this.signal = this.controller.signal;
    if (remainingMs !== undefined) {
      this.timer = setTimeout(() => this.abort(timedOut()), Math.max(0, remainingMs));
      // Ref'd only while raced work is in flight (see `race`).
      this.timer.unref?.();
    }
    this.externals = externals.some((signal) => signal !== undefined)
      ? externals.filter((signal): signal is AbortSignal => signal !== undefined)
      : NO_SIGNALS;
    const listener = this.externals.length > 0 ? () => this.onExternalAbort() : undefined;
    this.externalListener = listener;
    for (const signal of this.externals) {
      if (signal.aborted) this.onExternalAbort();
      else signal.addEventListener('abort', listener!, { once: true });
    }
    // Reading the run's signal reads the external ones first: a signal that aborts when it is read (a run
    // lease past its local deadline) stops the run before the reader acts.
    if (this.externals.length > 0) checkOnRead(this.signal, () => this.checkExternals());
    // No time left at all (a run resumed past its deadline): aborted before its first step can act.
    if (remainingMs !== undefined && remainingMs <= 0) this.abort(timedOut());
  }

  /** Why the run was aborted, once it was. */
  get aborted(): RunAbortedSignal | undefined {
    return this.reason;
  }

  /** Cancels the run (`runtime.cancel`). */
  cancel(reason = 'cancelled'): void {
    this.abort(new RunAbortedSignal('cancelled', reason));
  }

  /** Interrupts the run (`runtime.interrupt`): it stops like a cancel but ends resumable. */
  interrupt(reason = 'interrupted'): void {
    this.abort(new RunAbortedSignal('interrupted', reason));
  }

  /** Throws the abort reason when the run was aborted (the external signals are read first). */
  throwIfAborted(): void {
    this.checkExternals();
    if (this.reason) throw this.reason;
  }

  /** Aborts the run when an external signal has aborted, even if its listeners have not run yet. */
  private checkExternals(): void {
    if (!this.reason && this.externals.some((signal) => signal.aborted)) this.onExternalAbort();
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

  /** Stops the timer and detaches from the caller's and the lease's signals. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const listener = this.externalListener;
    if (listener) for (const signal of this.externals) signal.removeEventListener('abort', listener);
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

const NO_SIGNALS: readonly AbortSignal[] = [];

function timedOut(): RunAbortedSignal {
  return new RunAbortedSignal('timeout', 'The run exceeded maxDurationMs or passed its deadline');
}
