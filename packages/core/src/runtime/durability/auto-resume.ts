/** Durable runs: resume from the last checkpoint after a retryable failure, with backoff, up to `maxResumeAttempts`. */
import type { RunResult } from '../../contracts/run.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { restartedSnapshot } from '../state/fresh-snapshot.js';
import type { RunContext } from '../state/run-context.js';
import type { RunPersistence } from '../state/run-persistence.js';
import { type RetryableFailure, withAutomaticResume } from './resume-policy.js';

/** What the runtime provides to continue a run from its checkpoint. */
export interface AutoResumeHooks {
  /** Builds the context of the next segment from the reloaded snapshot (and makes it the run's current one). */
  nextSegment(snapshot: RunSnapshot): Promise<RunContext>;
  /**
   * Builds the context of a segment that starts the run again from its input, `snapshot` a fresh one (see
   * `restartedSnapshot`), and emits its `run.started`.
   */
  restartSegment(snapshot: RunSnapshot): Promise<RunContext>;
  /**
   * Runs one segment. `startsRun`: the segment starts the run (the first one, or one that starts it again from
   * its input), so it runs the launcher's preparation (memory injection) first.
   */
  execute(run: RunContext, startsRun: boolean): Promise<RunResult>;
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
  let startsRun = true;
  /** Opens the next segment: from the reloaded checkpoint, or from the run's input when it has none. */
  const reopen = async (attempt: number): Promise<void> => {
    const snapshot = await persistence.load(runId);
    if (!snapshot) {
      // Nothing of the run was ever checkpointed (it failed before its first checkpoint, and saving the
      // failure failed too): it starts again from its input, as `resume` restarts such a run.
      const restarted = restartedSnapshot(current.snapshot, current.agent);
      restarted.resumeAttempts = attempt;
      restarted.resumes = (current.snapshot.resumes ?? 0) + 1;
      current = await hooks.restartSegment(restarted);
      startsRun = true;
      current.recorder.emit('run.resumed', { attempt: restarted.resumes, fromStep: 0, reason: 'retry' });
      return;
    }
    startsRun = false;
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
  };
  /** The result of the segment that ran last (undefined while one runs, and when it threw). */
  let last: RunResult | undefined;
  let reopening = false;
  try {
    return await withAutomaticResume({
      policy: { maxResumeAttempts: first.agent.maxResumeAttempts },
      attemptsSoFar: first.snapshot.resumeAttempts,
      signal: hooks.signal,
      execute: async () => {
        last = undefined;
        last = await hooks.execute(current, startsRun);
        return last;
      },
      failureOf: retryableFailure,
      onResume: async ({ attempt }) => {
        reopening = true;
        await reopen(attempt);
        reopening = false;
      },
    });
  } catch (error) {
    // The next segment could not be opened (the checkpoint could not be read again: its store still
    // unreachable, or damaged): the run stays as its last segment ended, failed with a retryable error, and
    // can be resumed later.
    if (!reopening || last === undefined) throw error;
    first.services.logger.warn('automatic resume could not continue the run; it stays failed', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    });
    return last;
  }
}
