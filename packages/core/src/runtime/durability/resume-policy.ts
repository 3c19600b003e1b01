/**
 * Automatic resume: a run that fails with a retryable error (rate limit,
 * connection, timeout, 5xx) is resumed from its last checkpoint after a
 * backoff with full jitter, up to `maxResumeAttempts` times.
 */
import { isAgentryError } from '../../errors/agentry-error.js';

/** How automatic resume waits and when it gives up. */
export interface ResumePolicy {
  /** Resumes after retryable failures; `0` disables automatic resume. Default 3. */
  maxResumeAttempts: number;
  /** Backoff cap before jitter for the first resume; doubles per attempt. Default 500 ms. */
  baseDelayMs: number;
  /** Upper bound of any wait (also of an error's `retryAfterMs`). Default 30 000 ms. */
  maxDelayMs: number;
}

/** The defaults of `ResumePolicy`. */
export const DEFAULT_RESUME_POLICY: Readonly<ResumePolicy> = Object.freeze({
  maxResumeAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
});

/** What a retryable failure tells the policy. */
export interface RetryableFailure {
  code: string;
  message: string;
  retryable: boolean;
  /** Wait at least this long (e.g. from a Retry-After header). */
  retryAfterMs?: number;
}

/**
 * Milliseconds to wait before resume number `attempt` (1-based): full jitter,
 * `random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1))`, but never less
 * than the failure's `retryAfterMs` (capped at `maxDelayMs`).
 */
export function resumeDelayMs(
  attempt: number,
  failure: Pick<RetryableFailure, 'retryAfterMs'>,
  policy: ResumePolicy = DEFAULT_RESUME_POLICY,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const floor = Math.min(policy.maxDelayMs, failure.retryAfterMs ?? 0);
  return Math.max(jittered, floor);
}

/** Input of `withAutomaticResume`. */
export interface AutomaticResumeOptions<T> {
  /** Overrides of `DEFAULT_RESUME_POLICY`. */
  policy?: Partial<ResumePolicy>;
  /** Resumes already made by earlier processes (`snapshot.resumeAttempts`); they count against the maximum. */
  attemptsSoFar?: number;
  /**
   * Runs the run: `attempt` 0 is the first execution in this call, higher
   * ones resume from the last checkpoint. Its outcome is returned as is
   * unless `failureOf` calls it a retryable failure; a thrown `AgentryError`
   * with `retryable: true` is treated the same way, anything else is re-thrown.
   */
  execute(attempt: number): Promise<T>;
  /** The retryable failure an outcome describes (e.g. a `failed` RunResult whose error is retryable), or `undefined`. */
  failureOf(outcome: T): RetryableFailure | undefined;
  /**
   * Called before each resume, after the wait: emit `run.resumed` here
   * (`{ attempt, fromStep, reason: 'retry' }`) and persist `resumeAttempts`.
   * `attempt` counts all resumes of the run, earlier processes included.
   */
  onResume?(resume: { attempt: number; delayMs: number; failure: RetryableFailure }): void | Promise<void>;
  /** Stops waiting (the last outcome is returned, or the last error re-thrown). */
  signal?: AbortSignal;
  /** For tests: the jitter source. */
  random?: () => number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Executes a run and resumes it after retryable failures, with backoff and
 * full jitter, until it succeeds, fails permanently, or `maxResumeAttempts`
 * (counting `attemptsSoFar`) is reached; then the last outcome is returned.
 *
 * @example
 * ```ts
 * const result = await withAutomaticResume({
 *   attemptsSoFar: snapshot.resumeAttempts,
 *   execute: (attempt) => (attempt === 0 ? runFromStart() : resumeFromCheckpoint()),
 *   failureOf: (result) => (result.status === 'failed' && result.error?.retryable ? result.error : undefined),
 *   onResume: ({ attempt }) => emit('run.resumed', { attempt, fromStep, reason: 'retry' }),
 * });
 * ```
 */
export async function withAutomaticResume<T>(options: AutomaticResumeOptions<T>): Promise<T> {
  const policy: ResumePolicy = { ...DEFAULT_RESUME_POLICY, ...options.policy };
  let resumes = options.attemptsSoFar ?? 0;
  for (let attempt = 0; ; attempt++) {
    let failure: RetryableFailure | undefined;
    let outcome: { value: T } | { error: unknown };
    try {
      const value = await options.execute(attempt);
      outcome = { value };
      failure = options.failureOf(value);
    } catch (error) {
      if (!isAgentryError(error) || !error.retryable) throw error;
      outcome = { error };
      failure = {
        code: error.code,
        message: error.message,
        retryable: true,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      };
    }
    const giveUp = failure === undefined || !failure.retryable || resumes >= policy.maxResumeAttempts;
    if (giveUp || options.signal?.aborted) {
      if ('value' in outcome) return outcome.value;
      throw outcome.error;
    }
    resumes += 1;
    const delayMs = resumeDelayMs(resumes, failure as RetryableFailure, policy, options.random);
    await sleep(delayMs, options.signal);
    if (options.signal?.aborted) {
      if ('value' in outcome) return outcome.value;
      throw outcome.error;
    }
    await options.onResume?.({ attempt: resumes, delayMs, failure: failure as RetryableFailure });
  }
}
