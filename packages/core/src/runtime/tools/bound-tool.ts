/** One bound tool call: call id, ledger replay, input validation, approval gate, budget, hooks, executor chain. */
import { z } from 'zod';
import { suggestionHint } from '../../config/did-you-mean.js';
import type { ToolCallRequest } from '../../contracts/message.js';
import type { ToolCallResult } from '../../contracts/pattern.js';
import type { Decision } from '../../contracts/run.js';
import type { Tool, ToolContext, ToolOutcome } from '../../contracts/tool.js';
import { ToolError } from '../../errors/agentry-error.js';
import { failureOutcome } from '../../plugin/call-next.js';
import { isPromiseLike } from '../agent/executor-chain.js';
import { runAfterHooks, runBeforeHooks } from '../agent/tool-hooks.js';
import { crashPoint } from '../durability/crash-points.js';
import type { LedgerEntry } from '../snapshot/run-snapshot.js';
import type { RunContext } from '../state/run-context.js';
import { resolveApproval } from './approval-gate.js';
import { deriveCallId, hashInput } from './call-id.js';
import { heldByChild } from './child-runs.js';
import { capToolOutput, certainlyWithin } from './durable-output-cap.js';
import { addPending, requestEntry, runtimeFailure, settleEntry, toResult } from './tool-ledger.js';

/** The call waits for a decision; the turn suspends once its other calls are done. */
export const PENDING = Symbol('pending');

/** Results a durable run needs no checkpoint for after their turn (see `isCheckpointed`). */
const checkpointed = new WeakSet<ToolCallResult>();

/**
 * True when the bound tool saved a checkpoint after this result's outcome was
 * recorded, so a resume replays the call from the ledger, or when the call is
 * side-effect free and its result rides on the run's next save
 * (`RunContext.deferPureResult`), so a resume runs it again. Results the gate
 * or the ledger produced without a save (denied, invalid input, replayed …) are not.
 */
export function isCheckpointed(result: ToolCallResult | typeof PENDING): boolean {
  return result !== PENDING && checkpointed.has(result);
}

/**
 * Runs one call of a model turn. Returns its result, or `PENDING` when it
 * awaits a decision. Throws only for what stops the run (abort, budget, a
 * failed checkpoint, a `fail` decision).
 */
export async function runBoundCall(
  run: RunContext,
  call: ToolCallRequest,
  step: number,
): Promise<ToolCallResult | typeof PENDING> {
  const { snapshot, agent } = run;
  const callId = deriveCallId(snapshot.runId, step, call.id);
  const known = snapshot.ledger[callId];
  if (known && (known.status === 'succeeded' || known.status === 'failed') && known.outcome) {
    if (known.outcome.ok) settleEntry(run, known, known.outcome, 0, true);
    return toResult(call, known.outcome);
  }
  const tool = agent.tools.get(call.name);
  if (!tool) return unknownTool(run, call, callId);
  const context = toolContext(run, callId, step);
  if (known?.status === 'started') {
    // A call waiting on its child run (child-runs.ts) runs again: it finds that child and resumes it.
    if (known.childRunId !== undefined)
      return execute(run, call, tool, known, tool.input.parse(known.input), context);
    return resumeUnknownOutcome(run, call, tool, known, context);
  }
  if (!known) run.recorder.emit('tool.requested', { callId, tool: tool.name, input: call.input });
  const entry = requestEntry(run, callId, tool, call.input);

  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    const outcome = runtimeFailure(
      'tool.input_invalid',
      `The input of "${tool.name}" is invalid:\n${z.prettifyError(parsed.error)}`,
      'Call the tool again with input that matches its schema.',
    );
    settleEntry(run, entry, outcome, 0);
    return toResult(call, outcome);
  }
  let input: unknown = parsed.data;

  const decision = takeDecision(run, callId);
  if (decision && 'approve' in decision) {
    if (decision.approve) {
      if (decision.input !== undefined) {
        input = tool.input.parse(decision.input);
        entry.input = decision.input;
        entry.inputHash = hashInput(decision.input);
      }
      if (decision.sticky) snapshot.sticky[tool.name] = 'allow';
      run.recorder.emit('tool.approved', {
        callId,
        tool: tool.name,
        edited: decision.input !== undefined,
        sticky: decision.sticky === true,
      });
    } else {
      if (decision.sticky) snapshot.sticky[tool.name] = 'deny';
      return deny(run, call, entry, decision.reason ?? 'The user denied this call.');
    }
  } else {
    const resolved = resolveApproval(
      tool,
      input,
      context,
      agent.approvals,
      snapshot.approvals,
      snapshot.sticky,
    );
    const action = typeof resolved === 'string' ? resolved : await resolved;
    if (action === 'deny') return deny(run, call, entry, `The approval policy denies "${tool.name}".`);
    if (action === 'ask') {
      addPending(run, entry, 'approval');
      run.recorder.emit('tool.approval_requested', {
        callId,
        tool: tool.name,
        input: entry.input,
        inputHash: entry.inputHash,
      });
      return PENDING;
    }
  }
  return execute(run, call, tool, entry, input, context);
}

/** A call of a tool the agent does not have: recorded and reported like any failed call, never run. */
function unknownTool(run: RunContext, call: ToolCallRequest, callId: string): ToolCallResult {
  const hint = suggestionHint(call.name, run.agent.tools.keys());
  run.recorder.emit('tool.requested', { callId, tool: call.name, input: call.input });
  const entry = requestEntry(run, callId, { name: call.name, sideEffects: 'none' }, call.input);
  const outcome = runtimeFailure(
    'tool.not_found',
    `There is no tool named "${call.name}"`,
    `${hint ? `${hint} ` : ''}Available tools: ${[...run.agent.tools.keys()].join(', ') || 'none'}.`,
  );
  settleEntry(run, entry, outcome, 0);
  return toResult(call, outcome);
}

/** A call found `started` without an outcome (the process stopped while it ran). */
async function resumeUnknownOutcome(
  run: RunContext,
  call: ToolCallRequest,
  tool: Tool,
  entry: LedgerEntry,
  context: ToolContext,
): Promise<ToolCallResult | typeof PENDING> {
  const input = () => tool.input.parse(entry.input);
  if (tool.sideEffects !== 'unsafe') return execute(run, call, tool, entry, input(), context);
  const decision = takeDecision(run, entry.callId);
  if (!decision || !('outcome' in decision)) {
    addPending(run, entry, 'outcome_unknown');
    return PENDING;
  }
  if (decision.outcome === 'retry') return execute(run, call, tool, entry, input(), context);
  if (decision.outcome === 'skip') {
    const outcome: ToolOutcome = { ok: true, output: decision.result };
    settleEntry(run, entry, outcome, 0);
    return toResult(call, outcome);
  }
  throw new ToolError('tool.outcome_unknown', {
    message: `The outcome of "${tool.name}" (${entry.callId}) is unknown and the run was failed${
      decision.reason === undefined ? '' : `: ${decision.reason}`
    }`,
    hint: 'Check what the call did, then start a new run.',
    context: { runId: run.snapshot.runId, tool: tool.name, callId: entry.callId },
  });
}

function deny(run: RunContext, call: ToolCallRequest, entry: LedgerEntry, reason: string): ToolCallResult {
  run.recorder.emit('tool.denied', { callId: entry.callId, tool: entry.tool, reason });
  const outcome = runtimeFailure('tool.denied', reason);
  entry.status = 'failed';
  entry.outcome = outcome;
  return toResult(call, outcome);
}

async function execute(
  run: RunContext,
  call: ToolCallRequest,
  tool: Tool,
  entry: LedgerEntry,
  validInput: unknown,
  context: ToolContext,
): Promise<ToolCallResult | typeof PENDING> {
  run.budget.beforeToolCall();
  const hooks = run.agent.hooks.get(tool.name) ?? { before: [], after: [] };
  let input = validInput;
  if (hooks.before.length > 0) {
    const before = await runBeforeHooks(hooks.before, tool.name, input, context);
    if ('veto' in before) {
      const outcome = runtimeFailure('tool.vetoed', before.veto);
      settleEntry(run, entry, outcome, 0);
      return toResult(call, outcome);
    }
    input = before.input;
  }
  entry.status = 'started';
  entry.attempts += 1;
  run.budget.recordToolCall();
  if (run.durable && tool.sideEffects !== 'none') {
    // The `started` entry is written fenced by the run lease (a stale owner's save is refused), and the
    // call starts only while more than the lease's safety margin is left: reading the run's signal checks it.
    await run.save('tool.started');
    crashPoint('tool-started');
    run.abort.throwIfAborted();
  }
  run.recorder.emit('tool.started', { callId: entry.callId, tool: tool.name });
  const clock = run.services.clock;
  const started = clock.now();
  let outcome: ToolOutcome;
  try {
    const executed = run.agent.execute({ tool, input, context });
    if (isPromiseLike(executed)) outcome = await run.abort.race(executed);
    else {
      // A synchronous tool has finished; an abort that came first still wins, as it would the race.
      run.abort.throwIfAborted();
      outcome = executed;
    }
  } catch (error) {
    run.abort.throwIfAborted();
    outcome = failureOutcome(error);
  }
  if (heldByChild(run, entry, outcome)) return PENDING;
  if (hooks.after.length > 0) {
    outcome = await runAfterHooks(hooks.after, tool.name, input, context, outcome, run.services.logger);
  }
  outcome = capOutcome(run, outcome);
  const took = clock.now() - started;
  settleEntry(run, entry, outcome, took);
  const result = toResult(call, outcome);
  if (run.durable) {
    // A side-effect-free call's result may ride on the run's next save: a crash before it runs the call again.
    if (tool.sideEffects !== 'none' || !run.deferPureResult(took)) {
      await run.save('tool.finished');
      crashPoint('tool-checkpoint');
    }
    checkpointed.add(result);
  }
  return result;
}

/** Keeps a successful output within the agent's `maxToolOutputBytes` (what the model sees and the checkpoint holds). */
function capOutcome(run: RunContext, outcome: ToolOutcome): ToolOutcome {
  if (!outcome.ok) return outcome;
  // Most outputs are far below the cap: bound their size without encoding them.
  if (certainlyWithin(outcome.output, Math.max(256, run.agent.maxToolOutputBytes))) return outcome;
  const capped = capToolOutput(outcome.output, run.agent.maxToolOutputBytes);
  return capped.truncated ? { ...outcome, output: capped.output } : outcome;
}

function takeDecision(run: RunContext, callId: string): Decision | undefined {
  const decisions = run.snapshot.decisions;
  const decision = decisions[callId];
  if (decision !== undefined) delete decisions[callId];
  return decision;
}

function toolContext(run: RunContext, callId: string, step: number): ToolContext {
  const snapshot = run.snapshot;
  return {
    callId,
    idempotencyKey: callId,
    runId: snapshot.runId,
    sessionId: snapshot.sessionId,
    agentId: snapshot.agentId,
    step,
    signal: run.abort.signal,
  };
}
