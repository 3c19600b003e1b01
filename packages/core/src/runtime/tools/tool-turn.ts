/** `PatternContext.callTools`: one model turn of tool calls, run concurrently up to a limit, results in order. */
import type { ToolCallRequest } from '../../contracts/message.js';
import type { ToolCallResult } from '../../contracts/pattern.js';
import type { RunContext } from '../state/run-context.js';
import { RunSuspendedSignal } from '../state/run-signals.js';
import { isCheckpointed, type PENDING, runBoundCall } from './bound-tool.js';
import { callIdStep } from './call-id.js';

/** Options a pattern may pass with a turn. */
export interface ToolTurnOptions {
  /** Most calls of this turn running at once (the executor chain's own limit still applies). */
  concurrency?: number;
}

/** What the run loop learns of the tool turns of one pattern transition. */
export interface TurnTrack {
  /** Tool turns run in the transition. */
  turns: number;
  /** Every call of every turn had its outcome checkpointed by the bound tool, or left for the next save (durable runs). */
  checkpointed: boolean;
}

/**
 * Runs the calls of the latest model response. Calls that need no decision
 * run even when another call of the turn awaits one; then, if any call is
 * pending, the run suspends (`RunSuspendedSignal`) with a snapshot saved by
 * the runtime. Results come back in the order of `calls`.
 */
export async function runToolTurn(
  run: RunContext,
  calls: readonly ToolCallRequest[],
  options?: ToolTurnOptions,
  track?: TurnTrack,
): Promise<ToolCallResult[]> {
  // The step whose model response asked for these calls (numbered from 1; 0 only before any model call).
  const step = callIdStep(run.snapshot);
  const limit = Math.max(1, Math.min(options?.concurrency ?? Infinity, run.agent.concurrency ?? Infinity));
  const results = new Array<ToolCallResult | typeof PENDING>(calls.length);
  if (limit === 1 || calls.length === 1) {
    for (let index = 0; index < calls.length; index += 1) {
      results[index] = await runBoundCall(run, calls[index]!, step);
    }
  } else {
    await runLimited(calls.length, limit, async (index) => {
      results[index] = await runBoundCall(run, calls[index]!, step);
    });
  }
  const pending = run.snapshot.pending;
  if (pending.length > 0) {
    throw new RunSuspendedSignal(
      pending.some((call) => call.reason === 'outcome_unknown') ? 'outcome_unknown' : 'awaiting_approval',
    );
  }
  if (track) {
    track.turns += 1;
    track.checkpointed &&= calls.length > 0 && results.every(isCheckpointed);
  }
  run.recorder.emit('step.completed', { step, toolCalls: calls.length });
  return results as ToolCallResult[];
}

/**
 * Runs `task(0..count-1)` with at most `limit` at once. Every started task is
 * awaited; the first error is re-thrown after all have settled, and no new
 * task starts once one has failed.
 */
async function runLimited(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !failure) {
      const index = next;
      next += 1;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure) throw failure.error;
}
