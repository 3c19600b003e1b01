/** `PatternContext.callModel`: budget check, context assembly, the model call (raced with abort), usage and events. */
import type { Message } from '../../contracts/message.js';
import type { ModelRequest, ModelResponse, ToolSpec } from '../../contracts/model.js';
import { estimateInputTokens } from '../../defaults/token-estimate.js';
import { ModelError, serializeError } from '../../errors/agentry-error.js';
import { isPromiseLike } from '../agent/executor-chain.js';
import { crashPoint } from '../durability/crash-points.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import type { OutputCap } from '../state/budget.js';
import type { RunContext } from '../state/run-context.js';

/**
 * Makes model call index `snapshot.step`, which is step `snapshot.step + 1`: events number steps from 1. The previous tool turn is settled
 * by now (its results are in the pattern state), so its ledger entries are
 * pruned here and the snapshot does not grow with the run.
 */
export async function callModel(
  run: RunContext,
  messages: readonly Message[],
  options?: { tools?: readonly ToolSpec[] },
): Promise<ModelResponse> {
  const { snapshot, agent, recorder, abort } = run;
  abort.throwIfAborted();
  const callIndex = snapshot.step;
  const step = callIndex + 1;
  run.budget.beforeModelCall(callIndex);
  // A dictionary-mode object: call ids are unique strings, and adding them to `{}` would
  // create a new hidden class per call. Replaced only when the last turn left entries in it.
  for (const _ in snapshot.ledger) {
    snapshot.ledger = Object.create(null) as RunSnapshot['ledger'];
    break;
  }
  recorder.emit('step.started', { step });
  const tools = options?.tools ?? agent.toolSpecs;
  const assembling = agent.context.assemble({
    agentId: agent.id,
    runId: snapshot.runId,
    instructions: agent.instructions,
    memory: snapshot.memoryMessages,
    messages,
    tools,
    model: agent.model,
  });
  // Most assemblers answer synchronously: awaiting a plain value would still cost a promise and a tick.
  const assembled = isPromiseLike(assembling) ? await assembling : assembling;
  const clock = run.services.clock;
  // One clock reading for the events emitted back to back and the call's start, while nothing runs between.
  const assembledAt = clock.now();
  recorder.emit('context.assembled', { step, kept: assembled.kept, omitted: assembled.omitted }, assembledAt);
  recorder.emit(
    'model.requested',
    { step, messages: assembled.messages.length, tools: tools.length },
    assembledAt,
  );
  const request: ModelRequest = agent.outputSchema
    ? {
        messages: assembled.messages,
        tools,
        signal: abort.signal,
        runId: snapshot.runId,
        callIndex,
        outputSchema: agent.outputSchema,
      }
    : { messages: assembled.messages, tools, signal: abort.signal, runId: snapshot.runId, callIndex };
  const capped = run.budget.capsOutput || run.budget.countsInput;
  const budgetCap = capped ? await capOutput(run, request) : undefined;
  const started = capped ? clock.now() : assembledAt;
  let response: ModelResponse;
  try {
    response =
      run.options.streaming && agent.model.stream
        ? await abort.race(streamResponse(run, request, step))
        : await abort.race(agent.model.generate(request));
  } catch (error) {
    abort.throwIfAborted();
    recorder.emit('model.failed', { step, error: serializeError(error) });
    throw error;
  }
  if (run.durable) crashPoint('model-response');
  snapshot.step = step;
  const costUsd = run.budget.recordModelCall(response.usage);
  const respondedAt = clock.now();
  recorder.emit(
    'model.responded',
    {
      step,
      text: response.text,
      toolCalls: response.toolCalls.map((call) => ({ id: call.id, name: call.name, input: call.input })),
      usage: response.usage,
      costUsd,
      finishReason: response.finishReason,
      durationMs: respondedAt - started,
    },
    respondedAt,
  );
  if (response.toolCalls.length === 0) recorder.emit('step.completed', { step, toolCalls: 0 }, respondedAt);
  if (budgetCap !== undefined && response.finishReason === 'length') {
    // The answer was cut at the cap the budget set: the run stops here instead of using half an answer.
    throw run.budget.cutShort(budgetCap);
  }
  return response;
}

/**
 * Pre-emptive token and cost budgets: counts the request's input tokens (the model's own counter, else an
 * estimate), then lowers its output cap to what the budget allows, or stops the run before the call.
 * Returns the cap the budget set, `undefined` when the model's own cap is lower (or nothing bounds output).
 */
async function capOutput(run: RunContext, request: ModelRequest): Promise<OutputCap | undefined> {
  const model = run.agent.model;
  let input = 0;
  if (run.budget.countsInput) {
    const counted = model.countInputTokens
      ? model.countInputTokens(request)
      : estimateInputTokens(request.messages, request.tools);
    input = isPromiseLike(counted) ? await counted : counted;
  }
  const cap = run.budget.outputCapFor(input);
  if (cap === undefined || (model.maxOutputTokens !== undefined && model.maxOutputTokens <= cap.tokens)) {
    return undefined;
  }
  request.maxOutputTokens = cap.tokens;
  return cap;
}

async function streamResponse(run: RunContext, request: ModelRequest, step: number): Promise<ModelResponse> {
  const stream = run.agent.model.stream?.(request);
  if (!stream) return run.agent.model.generate(request);
  for await (const part of stream) {
    if (part.type === 'text-delta') run.recorder.emit('model.delta', { step, text: part.text });
    else if (part.type === 'finish') return part.response;
  }
  throw new ModelError('model.invalid_output', {
    message: `Model ${run.agent.model.provider}/${run.agent.model.modelId} ended its stream without a finish part`,
    hint: 'The model plugin must end every stream with a { type: "finish" } part.',
  });
}
