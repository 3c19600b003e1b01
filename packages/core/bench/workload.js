// Shared bench workload: a scripted model of K steps (one tool call each) and one tool, plus the hand-written loop.
import { z } from 'zod';

/** The script of one run: K responses that each call `note` once, then a final answer. */
export function scriptOf(steps) {
  const script = [];
  for (let index = 0; index < steps; index += 1) {
    script.push({ text: '', toolCalls: [{ tool: 'note', input: { value: `item ${index}` } }] });
  }
  script.push({ text: 'done' });
  return script;
}

/** The tool both loops call (side-effect free unless told otherwise). */
export function noteTool(core, sideEffects = 'none') {
  return core.defineTool({
    name: 'note',
    description: 'Stores a short note',
    input: z.object({ value: z.string() }),
    sideEffects,
    execute: (input) => ({ stored: input.value.length }),
  });
}

/**
 * The baseline: calls the same model and the same tool directly, validating
 * the input with the same schema, keeping the same message list. No events,
 * budgets, ledger or records.
 */
export async function handLoop(model, tool, toolSpecs, input) {
  const messages = [{ role: 'user', content: input }];
  const signal = new AbortController().signal;
  for (let callIndex = 0; ; callIndex += 1) {
    const response = await model.generate({ messages, tools: toolSpecs, runId: 'hand', callIndex, signal });
    if (response.toolCalls.length === 0) return response.text;
    messages.push({ role: 'assistant', content: response.text, toolCalls: response.toolCalls });
    for (const call of response.toolCalls) {
      const parsed = tool.input.parse(call.input);
      const context = {
        callId: call.id,
        idempotencyKey: call.id,
        runId: 'hand',
        sessionId: 'hand',
        agentId: 'hand',
        step: callIndex,
        signal,
      };
      const output = await tool.execute(parsed, context);
      messages.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: output });
    }
  }
}

/** `createRuntime` options of the start rows: a config object on the memory store, a scripted model of K steps, the tool. */
export function startConfig(core, steps) {
  return {
    config: {
      version: 1,
      store: 'memory',
      models: { scripted: { provider: 'scripted', script: scriptOf(steps) } },
      agents: { bench: { model: 'scripted', budget: { maxSteps: steps + 5 } } },
    },
    tools: [noteTool(core)],
  };
}
