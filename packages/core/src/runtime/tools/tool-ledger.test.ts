import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { ToolCallRequest } from '../../contracts/message.js';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A model that asks for `calls` (ids as given, so a test can repeat one), then answers `done`. */
function callingModel(calls: ToolCallRequest[]): Model {
  const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'test',
    modelId: 'calls',
    generate: async (request) =>
      request.callIndex === 0
        ? { text: '', toolCalls: calls, usage, finishReason: 'tool-calls' }
        : { text: 'done', toolCalls: [], usage, finishReason: 'stop' },
  };
}

async function runtimeWith(calls: ToolCallRequest[]) {
  const echo = defineTool({
    name: 'echo',
    description: 'Gives its text back',
    input: z.object({ text: z.string() }),
    sideEffects: 'none',
    execute: ({ text }) => text,
  });
  const send = defineTool({
    name: 'send',
    description: 'Sends a message',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ to }) => `sent to ${to}`,
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { assistant: { model: 'm' } } },
    models: { m: callingModel(calls) },
    tools: [echo, send],
  });
  opened.push(runtime);
  const events: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    events.push(event);
  });
  return { runtime, events };
}

function data(events: readonly AnyAgentryEvent[], type: AnyAgentryEvent['type']) {
  return events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>);
}

describe('the tool ledger as a user sees it', () => {
  it('lists each call waiting for approval once, also when the model repeats a call id', async () => {
    const { runtime } = await runtimeWith([
      { id: 'a', name: 'send', input: { to: 'ada' } },
      { id: 'b', name: 'send', input: { to: 'bob' } },
      { id: 'a', name: 'send', input: { to: 'ada' } },
    ]);
    const result = await runtime.run({ agent: 'assistant', input: 'mail them' });
    expect(result.status).toBe('suspended');
    expect(result.pending.map((call) => call.input)).toEqual([{ to: 'ada' }, { to: 'bob' }]);
  });

  it('tool.succeeded carries an output of a few kilobytes whole, and cuts one beyond 4 KiB', async () => {
    const small = 'x'.repeat(3_000);
    const large = 'y'.repeat(10_000);
    const { runtime, events } = await runtimeWith([
      { id: 's', name: 'echo', input: { text: small } },
      { id: 'l', name: 'echo', input: { text: large } },
    ]);
    await runtime.run({ agent: 'assistant', input: 'echo' });
    const [first, second] = data(events, 'tool.succeeded');
    expect(first?.output).toBe(small);
    const cut = String(second?.output);
    expect(cut.startsWith('y'.repeat(3_000))).toBe(true);
    expect(cut).toContain('[output truncated: showing');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4 * 1024);
  });

  it('a call with invalid input fails as not retryable', async () => {
    const { runtime, events } = await runtimeWith([{ id: 'x', name: 'echo', input: { text: 7 } }]);
    const result = await runtime.run({ agent: 'assistant', input: 'echo' });
    expect(result.status).toBe('completed');
    expect(data(events, 'tool.failed')).toEqual([
      expect.objectContaining({
        tool: 'echo',
        error: expect.objectContaining({ code: 'tool.input_invalid', retryable: false }),
      }),
    ]);
  });
});
