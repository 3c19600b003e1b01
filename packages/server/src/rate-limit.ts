/** A fixed-window request limit per client address, for endpoints anyone can reach and for failed logins. */

/** Options of `RateLimiter`. */
export interface RateLimitOptions {
  /** Requests per window and client (default 300). */
  limit?: number;
  /** Window length in milliseconds (default 60 000). */
  windowMs?: number;
  now?: () => number;
}

/** Counts requests per key in fixed windows; forgets keys whose window has passed. */
export class RateLimiter {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 300;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Counts one request; returns how many seconds to wait when the key is over its limit, else 0. */
  take(key: string): number {
    const now = this.now();
    if (this.windows.size > 10_000) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return 0;
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}
