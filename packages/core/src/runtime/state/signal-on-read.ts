/** Signals that check a condition when they are read, not only when a timer fires. */

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
const nativeThrowIfAborted = AbortSignal.prototype.throwIfAborted;

/**
 * Makes `check` run whenever `signal.aborted` is read or
 * `signal.throwIfAborted()` is called, before the answer is given. `check`
 * may abort the signal's controller; the reader then sees it aborted. Used for
 * deadlines: a process that was paused (SIGSTOP, a VM freeze) wakes up with
 * its timers overdue, and code that runs before those timers (a tool's
 * `ctx.signal.throwIfAborted()` right before its side effect) must already see
 * the deadline as passed. Listeners still learn of the abort when `check` or
 * a timer aborts.
 */
export function checkOnRead<T extends AbortSignal>(signal: T, check: () => void): T {
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get(this: AbortSignal): boolean {
      if (!abortedGetter.call(this)) check();
      return abortedGetter.call(this) as boolean;
    },
  });
  Object.defineProperty(signal, 'throwIfAborted', {
    configurable: true,
    value(this: AbortSignal): void {
      if (!abortedGetter.call(this)) check();
      nativeThrowIfAborted.call(this);
    },
  });
  return signal;
}
