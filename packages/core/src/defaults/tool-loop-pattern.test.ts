import { describe, expect, it } from 'vitest';
import type { ToolCallRequest } from '../contracts/message.js';
import type { ModelResponse } from '../contracts/model.js';
import type { PatternContext, ToolCallResult } from '../contracts/pattern.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { ToolLoopPattern } from './tool-loop-pattern.js';

function response(text: string, toolCalls: ToolCallRequest[] = []): ModelResponse {
  return {
    text,
    toolCalls,
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
  };
}

/** A context that answers from a queue of responses and echoes tool calls, recording what it was asked. */
function fakeContext(responses: ModelResponse[]) {
  const turns: { calls: readonly ToolCallRequest[]; concurrency: number | undefined }[] = [];
  const context: PatternContext = {
    runId: 'r',
    agentId: 'a',
    tools: [],
    signal: new AbortController().signal,
    budget: {},
    callModel: async () => {
      const next = responses.shift();
      if (!next) throw new Error('no more responses');
      return next;
    },
    callTools: async (calls, options) => {
      turns.push({ calls, concurrency: options?.concurrency });
      return calls.map(
        (call): ToolCallResult => ({
          call,
          message: { role: 'tool', toolCallId: call.id, toolName: call.name, content: `ran ${call.id}` },
        }),
      );
    },
  };
  return { context, turns };
}

describe('ToolLoopPattern', () => {
  it('alternates one model call and one tool turn per next(), then finishes with the text', async () => {
    const pattern = new ToolLoopPattern({ maxConcurrentTools: 3 });
    const calls = [
      { id: 'c1', name: 't', input: {} },
      { id: 'c2', name: 't', input: {} },
    ];
    const { context, turns } = fakeContext([response('thinking', calls), response('final')]);
    let state = pattern.start({ input: 'hi', messages: [{ role: 'user', content: 'hi' }] });
    const first = await pattern.next(state, context);
    expect(first.done).toBeUndefined();
    expect(first.state.phase).toBe('tools');
    expect(first.state.pendingCalls).toEqual(calls);
    state = first.state;
    const second = await pattern.next(state, context);
    expect(turns).toEqual([{ calls, concurrency: 3 }]);
    expect(second.state.phase).toBe('model');
    expect(second.state.messages.slice(-2).map((message) => message.role)).toEqual(['tool', 'tool']);
    const third = await pattern.next(second.state, context);
    expect(third.done).toEqual({ output: 'final' });
    expect(third.state.phase).toBe('done');
    const resumed = await pattern.next(pattern.restore(JSON.parse(JSON.stringify(third.state))), context);
    expect(resumed.done).toEqual({ output: 'final' });
    expect(JSON.parse(JSON.stringify(third.state))).toEqual(third.state);
    expect(third.state.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
    ]);
  });

  it('calls the model again when a message follows the final answer', async () => {
    const pattern = new ToolLoopPattern();
    const { context } = fakeContext([response('first'), response('second')]);
    const first = await pattern.next(pattern.start({ input: 'hi', messages: [] }), context);
    first.state.messages.push({ role: 'user', content: 'try again' });
    const second = await pattern.next(first.state, context);
    expect(second.done).toEqual({ output: 'second' });
  });

  it('stops with max_steps once it made maxSteps model calls', async () => {
    const pattern = new ToolLoopPattern({ maxSteps: 1 });
    const { context } = fakeContext([response('x', [{ id: 'c', name: 't', input: {} }]), response('y')]);
    let state = pattern.start({ input: 'hi', messages: [] });
    state = (await pattern.next(state, context)).state;
    state = (await pattern.next(state, context)).state;
    const error = await pattern.next(state, context).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('budget.exhausted');
    expect((error as { stopReason?: string }).stopReason).toBe('max_steps');
  });

  it('restores its own state and refuses state written by something else', () => {
    const pattern = new ToolLoopPattern();
    const state = pattern.start({ input: 'hi', messages: [] });
    expect(pattern.restore(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(() => pattern.restore({ messages: [], plan: [] })).toThrow(/tool-loop/);
  });

  it('is a loadable plugin with a validated config', () => {
    expect(ToolLoopPattern.plugin).toMatchObject({ kind: 'pattern', name: 'tool-loop' });
    expect(ToolLoopPattern.plugin.configSchema.safeParse({ maxSteps: 0 }).success).toBe(false);
    expect(
      ToolLoopPattern.plugin.configSchema.safeParse({ maxSteps: 3, maxConcurrentTools: 2 }).success,
    ).toBe(true);
  });
});
