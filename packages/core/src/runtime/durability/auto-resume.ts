/** Durable runs: resume from the last checkpoint after a retryable failure, with backoff, up to `maxResumeAttempts`. */
import type { RunResult } from '../../contracts/run.js';
import { CheckpointError } from '../../errors/agentry-error.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import type { RunContext } from '../state/run-context.js';
import type { RunPersistence } from '../state/run-persistence.js';
import { type RetryableFailure, withAutomaticResume } from './resume-policy.js';

/** What the runtime provides to continue a run from its checkpoint. */
export interface AutoResumeHooks {
  /** Builds the context of the next segment from the reloaded snapshot (and makes it the run's current one). */
  nextSegment(snapshot: RunSnapshot): Promise<RunContext>;
  /** Runs one segment. */
  execute(run: RunContext, first: boolean): Promise<RunResult>;
  /** Stops waiting between attempts (cancel). */
  signal: AbortSignal;
}

/** Failures worth resuming: retryable, and not a busy session (that is the caller's to retry). */
function retryableFailure(result: RunResult): RetryableFailure | undefined {
  const error = result.error;
  if (result.status !== 'failed' || !error?.retryable || error.code === 'run.busy') return undefined;
  return {
    code: error.code,
    message: error.message,
    retryable: true,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/**
 * Runs `first`; while the result is a retryable failure and attempts remain,
 * waits (backoff with jitter), reloads the last checkpoint and runs again.
 * Waits at least the error's `retryAfterMs` (a rate limit's Retry-After).
 * Each resume emits `run.resumed` with `reason: 'retry'` and `attempt` = the
 * run's resumes of any kind so far, and persists both counts.
 */
export async function runWithAutomaticResume(
  first: RunContext,
  persistence: RunPersistence,
  hooks: AutoResumeHooks,
): Promise<RunResult> {
  const runId = first.snapshot.runId;
  let current = first;
  return withAutomaticResume({
    policy: { maxResumeAttempts: first.agent.maxResumeAttempts },
    attemptsSoFar: first.snapshot.resumeAttempts,
    signal: hooks.signal,
    execute: (attempt) => hooks.execute(current, attempt === 0),
    failureOf: retryableFailure,
    onResume: async ({ attempt }) => {
      const snapshot = await persistence.load(runId);
      if (!snapshot) {
        throw new CheckpointError('checkpoint.corrupt', {
          message: `Run ${runId} has no checkpoint to resume from`,
          hint: 'The checkpoint was removed while the run waited to resume; start a new run.',
          context: { runId },
        });
      }
      snapshot.status = 'running';
      snapshot.pending = [];
      snapshot.resumeAttempts = attempt;
      snapshot.resumes = (snapshot.resumes ?? 0) + 1;
      current = await hooks.nextSegment(snapshot);
      current.recorder.emit('run.resumed', {
        attempt: snapshot.resumes,
        fromStep: snapshot.step,
        reason: 'retry',
      });
    },
  });
}
