/** `SystemClock`: the wall clock as a `Clock` service. */
import type { Clock } from '../contracts/services.js';

/** Reads `Date.now()`. Tests replace the clock with their own `Clock` to make runs deterministic. */
export class SystemClock implements Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
