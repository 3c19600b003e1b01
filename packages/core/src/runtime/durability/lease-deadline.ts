/** The local deadline of a held lease, on the monotonic clock: when it passes, the holder stops before the store could hand the lease on. */

/**
 * Tracks `last confirmed renewal + ttl − margin` with `performance.now()`
 * (monotonic: a wall-clock jump moves nothing). The renewal's time is taken
 * when the request was sent, so the store's own expiry is never earlier than
 * ours. `check()` answers at once, with no timer: code that reads it first
 * thing after the process was paused past the deadline sees it passed; a
 * timer calls `onPassed` too, for a process that is merely idle.
 */
export class LeaseDeadline {
  readonly #ttlMs: number;
  readonly #marginMs: number;
  readonly #onPassed: () => void;
  #deadline: number;
  #timer: NodeJS.Timeout | undefined;
  #passed = false;

  /**
   * @param confirmedAt `performance.now()` when the request that took the lease was sent
   * @param onPassed called once, when the deadline is first found passed
   */
  constructor(ttlMs: number, marginMs: number, confirmedAt: number, onPassed: () => void) {
    this.#ttlMs = ttlMs;
    this.#marginMs = marginMs;
    this.#onPassed = onPassed;
    this.#deadline = confirmedAt + ttlMs - marginMs;
    this.#arm();
  }

  /** The safety margin: a side effect does not start with less lease time than this left. */
  get marginMs(): number {
    return this.#marginMs;
  }

  /** Milliseconds left before the deadline (negative once passed). */
  get remainingMs(): number {
    return this.#deadline - performance.now();
  }

  /** Moves the deadline after a renewal whose request was sent at `sentAt` (`performance.now()`). */
  confirm(sentAt: number): void {
    if (this.#passed) return;
    this.#deadline = Math.max(this.#deadline, sentAt + this.#ttlMs - this.#marginMs);
    this.#arm();
  }

  /** True once the deadline has passed; the first time, calls `onPassed`. */
  check(): boolean {
    if (!this.#passed && performance.now() >= this.#deadline) {
      this.#passed = true;
      this.stop();
      this.#onPassed();
    }
    return this.#passed;
  }

  /** Stops the timer (the lease was released or lost). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        if (!this.check()) this.#arm();
      },
      Math.max(1, Math.ceil(this.remainingMs)),
    );
    this.#timer.unref();
  }
}

/** Default safety margin of a lease with this ttl: a tenth of it, at most 2 s. */
export function defaultLeaseMarginMs(ttlMs: number): number {
  return Math.min(2_000, Math.floor(ttlMs / 10));
}
