/** The pattern loop: `next` until done, a checkpoint after each transition (durable), output validation, ending. */
import type { PatternContext } from '../../contracts/pattern.js';
import type { RunResult } from '../../contracts/run.js';
import { RunError } from '../../errors/agentry-error.js';
import { validationFeedback } from '../agent/output-schema.js';
import { takeInbox } from '../inbox/inbox-delivery.js';
import type { RunContext } from '../state/run-context.js';
import { runToolTurn, type TurnTrack } from '../tools/tool-turn.js';
import { callModel } from './model-call.js';
import { completeRun } from './run-finish.js';
import { stopRun } from './run-outcome.js';

/** The context lent to the pattern for this segment (built once, not per step); `track` sees its tool turns. */
export function patternContext(run: RunContext, track?: TurnTrack): PatternContext {
  const { snapshot, agent } = run;
  return {
    runId: snapshot.runId,
    agentId: agent.id,
    tools: agent.toolSpecs,
    signal: run.abort.signal,
    budget: run.budget.limits,
    callModel: (messages, options) => callModel(run, messages, options),
    callTools: (calls, options) => runToolTurn(run, calls, options, track),
    emit: async (event) => {
      run.recorder.emit(event.type, event.data as never);
    },
  };
}

/**
 * The checkpoint after a transition. One that made a model call is saved. One
 * that only ran tool turns whose every call was checkpointed right after its
 * result, or was side-effect free with its result left for the next save, is
 * not saved: a resume replays the turn from the ledger (no call with effects
 * runs twice; a side-effect-free one may run again) and the pattern rebuilds
 * the same state. Any other transition is saved.
 */
async function checkpointTransition(run: RunContext, calledModel: boolean, track: TurnTrack): Promise<void> {
  if (calledModel) return run.save('model.responded');
  if (track.turns > 0 && track.checkpointed) return;
  return run.save('tool.finished');
}

/**
 * Drives the pattern from the snapshot's state until it is done, suspends or
 * stops. Never throws for a failure of the run itself: that becomes the result.
 */
export async function driveRun(run: RunContext): Promise<RunResult> {
  const { snapshot, agent } = run;
  const track: TurnTrack = { turns: 0, checkpointed: true };
  const context = patternContext(run, track);
  try {
    for (;;) {
      run.abort.throwIfAborted();
      // Input sent into the run reaches the pattern before its next model call (and may interrupt it).
      const taking = takeInbox(run);
      if (taking !== false) await taking;
      run.abort.throwIfAborted();
      const stepBefore = snapshot.step;
      track.turns = 0;
      track.checkpointed = true;
      const transition = await agent.pattern.next(snapshot.patternState, context);
      snapshot.patternState = transition.state;
      if (run.durable) await checkpointTransition(run, snapshot.step > stepBefore, track);
      if (!transition.done) continue;
      const output = transition.done.output;
      const check = agent.output?.check(output);
      if (!check || check.ok) {
        // Input that came while the pattern finished goes on with the run; otherwise the inbox closes.
        const closing = takeInbox(run, true);
        if (closing !== false && (await closing)) continue;
        return await completeRun(run, output, check?.value);
      }
      const retries = snapshot.validationRetries ?? 0;
      if (retries >= agent.maxValidationRetries) {
        throw new RunError('run.output_invalid', {
          message: `The final output of agent "${agent.id}" does not match its outputSchema:\n${check.problems}`,
          hint: 'Make the instructions describe the expected JSON, or raise maxValidationRetries.',
          context: { runId: snapshot.runId, agentId: agent.id },
        });
      }
      snapshot.validationRetries = retries + 1;
      snapshot.patternState.messages.push({ role: 'user', content: validationFeedback(check.problems) });
    }
  } catch (error) {
    return stopRun(run, error);
  }
}
