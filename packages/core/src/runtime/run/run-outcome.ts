/** Turns whatever stopped a run (suspension, cancel, timeout, budget, error) into its events and result. */
import type { RunResult } from '../../contracts/run.js';
import { isAgentryError, serializeError } from '../../errors/agentry-error.js';
import { isBudgetExceededError, isBudgetStop } from '../../errors/budget-exceeded-error.js';
import type { RunContext } from '../state/run-context.js';
import { isRunSuspendedSignal } from '../state/run-signals.js';
import { endSegment } from './run-finish.js';

/** Ends the segment for `error`, which stopped the run before it completed. */
export async function stopRun(run: RunContext, error: unknown): Promise<RunResult> {
  const { recorder, snapshot } = run;
  if (isRunSuspendedSignal(error) && !run.abort.aborted) {
    run.closeDuration();
    recorder.emit('run.suspended', {
      stopReason: error.stopReason,
      pending: snapshot.pending.map((call) => ({
        callId: call.callId,
        tool: call.tool,
        reason: call.reason,
      })),
    });
    return endSegment(run, { status: 'suspended', stopReason: error.stopReason, output: '' });
  }
  snapshot.pending = [];
  const aborted = run.abort.aborted;
  if (aborted?.stopReason === 'cancelled') {
    run.closeDuration();
    recorder.emit('run.cancelled', { reason: aborted.message, usage: { ...snapshot.usage } });
    return endSegment(run, {
      status: 'cancelled',
      stopReason: 'cancelled',
      output: '',
      error: { code: 'run.cancelled', message: aborted.message, retryable: false },
    });
  }
  if (aborted?.stopReason === 'interrupted') {
    run.closeDuration();
    recorder.emit('run.interrupted', { reason: aborted.message, usage: { ...snapshot.usage } });
    return endSegment(run, { status: 'interrupted', stopReason: 'interrupted', output: '' });
  }
  if (aborted?.stopReason === 'timeout') {
    run.closeDuration();
    const deadlineAt = snapshot.deadlineAt;
    if (deadlineAt !== undefined && deadlineAt <= run.services.clock.now()) {
      return fail(run, 'timeout', {
        code: 'run.timeout',
        message: `The run passed its deadline (${new Date(deadlineAt).toISOString()})`,
        hint: 'Give the request a later deadline, or leave it out.',
        retryable: false,
      });
    }
    const max = run.budget.limits.maxDurationMs ?? 0;
    recorder.emit('budget.exceeded', { limit: 'maxDurationMs', used: snapshot.usage.durationMs, max });
    return fail(run, 'timeout', {
      code: 'run.timeout',
      message: `The run exceeded maxDurationMs (${max} ms)`,
      hint: 'Raise budget.maxDurationMs, or give the agent a smaller task.',
      retryable: false,
    });
  }
  run.closeDuration();
  if (isBudgetStop(error)) {
    if (isBudgetExceededError(error)) {
      recorder.emit('budget.exceeded', { limit: error.limit, used: error.used, max: error.max });
    }
    return fail(run, error.stopReason ?? 'budget_exhausted', error.toJSON());
  }
  const serialized: NonNullable<RunResult['error']> = serializeError(error);
  if (isAgentryError(error) && error.retryAfterMs !== undefined) serialized.retryAfterMs = error.retryAfterMs;
  // `run.busy`: the caller learns which run holds the session without looking for it.
  const holderRunId = isAgentryError(error) ? error.context.holderRunId : undefined;
  if (holderRunId !== undefined) serialized.context = { holderRunId };
  if (!isAgentryError(error)) {
    run.services.logger.error('run failed with an unexpected error', {
      runId: snapshot.runId,
      message: serialized.message,
    });
  }
  return fail(run, 'error', serialized);
}

async function fail(
  run: RunContext,
  stopReason: RunResult['stopReason'],
  error: NonNullable<RunResult['error']>,
): Promise<RunResult> {
  const { code, message, retryable } = error;
  run.recorder.emit('run.failed', { error: { code, message, retryable }, usage: { ...run.snapshot.usage } });
  return endSegment(run, { status: 'failed', stopReason, output: '', error });
}
