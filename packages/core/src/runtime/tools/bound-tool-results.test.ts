import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Message, ToolCallRequest } from '../../contracts/message.js';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { ApprovalRule } from '../../contracts/tool.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** Asks for the calls of each turn in order, then answers `done`; keeps the tool messages it was sent. */
function turnsModel(turns: ToolCallRequest[][], seen: Message[][]): Model {
  const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'test',
    modelId: 'turns',
    generate: async (request) => {
      seen.push(request.messages.filter((message) => message.role === 'tool'));
      const calls = turns[request.callIndex];
      return calls === undefined
        ? { text: 'done', toolCalls: [], usage, finishReason: 'stop' }
        : { text: '', toolCalls: calls, usage, finishReason: 'tool-calls' };
    },
  };
}

async function setup(
  turns: ToolCallRequest[][],
  options: {
    tools?: boolean;
    approval?: ApprovalRule<{ to: string }>;
    agent?: Record<string, unknown>;
    now?: () => number;
  } = {},
) {
  const sent: string[] = [];
  const send = defineTool({
    name: 'send',
    description: 'Sends a message',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: options.approval ?? 'never',
    execute: ({ to }) => {
      sent.push(to);
      return `sent to ${to}`;
    },
  });
  const echo = defineTool({
    name: 'echo',
    description: 'Gives its text back',
    input: z.object({ text: z.string() }),
    sideEffects: 'none',
    execute: ({ text }) => text,
  });
  const seen: Message[][] = [];
  const runtime = await createRuntime({
    config: { version: 1, agents: { assistant: { model: 'm', ...options.agent } } },
    models: { m: turnsModel(turns, seen) },
    tools: options.tools === false ? [] : [echo, send],
    ...(options.now ? { clock: { now: options.now } } : {}),
  });
  opened.push(runtime);
  const events: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    events.push(event);
  });
  return { runtime, sent, seen, events };
}

/** The error the model was shown for the tool calls of the first turn. */
function errorsShown(seen: Message[][]): unknown[] {
  return (seen[1] ?? []).map((message) => (message as { content: { error?: unknown } }).content.error);
}

describe('what the model is told about calls that do not run', () => {
  it('a call of an unknown tool: its name and the tools there are', async () => {
    const { runtime, seen } = await setup([[{ id: 'u', name: 'nope', input: {} }]]);
    expect((await runtime.run({ agent: 'assistant', input: 'x' })).status).toBe('completed');
    expect(errorsShown(seen)).toEqual([
      {
        code: 'tool.not_found',
        message: 'There is no tool named "nope"',
        hint: 'Available tools: echo, send.',
      },
    ]);
  });

  it('a call of a tool when the agent has none', async () => {
    const { runtime, seen } = await setup([[{ id: 'u', name: 'nope', input: {} }]], { tools: false });
    await runtime.run({ agent: 'assistant', input: 'x' });
    expect(errorsShown(seen)).toEqual([
      expect.objectContaining({ code: 'tool.not_found', hint: 'Available tools: none.' }),
    ]);
  });

  it('a call with invalid input: how to call again', async () => {
    const { runtime, seen } = await setup([[{ id: 'i', name: 'echo', input: { text: 1 } }]]);
    await runtime.run({ agent: 'assistant', input: 'x' });
    expect(errorsShown(seen)).toEqual([
      expect.objectContaining({
        code: 'tool.input_invalid',
        hint: 'Call the tool again with input that matches its schema.',
      }),
    ]);
  });

  it('a call the approval policy denies: which policy, and the call never runs', async () => {
    const { runtime, seen, sent } = await setup([[{ id: 'd', name: 'send', input: { to: 'ada' } }]], {
      agent: { approvals: { tools: { send: 'deny' } } },
    });
    await runtime.run({ agent: 'assistant', input: 'x' });
    expect(errorsShown(seen)).toEqual([
      { code: 'tool.denied', message: 'The approval policy denies "send".' },
    ]);
    expect(sent).toEqual([]);
  });
});

describe('approvals through a run', () => {
  it('an approval rule function asks only for the calls it picks', async () => {
    const { runtime, sent } = await setup(
      [
        [
          { id: 'a', name: 'send', input: { to: 'ada' } },
          { id: 'b', name: 'send', input: { to: 'boss' } },
        ],
      ],
      { approval: async ({ to }) => to === 'boss' },
    );
    const result = await runtime.run({ agent: 'assistant', input: 'x' });
    expect(result.status).toBe('suspended');
    expect(result.pending.map((call) => call.input)).toEqual([{ to: 'boss' }]);
    expect(sent).toEqual(['ada']);
  });

  it('a plain approval is reported as neither edited nor sticky; a denial without reason says the user denied it', async () => {
    const { runtime, seen, events, sent } = await setup(
      [
        [{ id: 'a', name: 'send', input: { to: 'ada' } }],
        [{ id: 'b', name: 'send', input: { to: 'bob' } }],
        [{ id: 'c', name: 'send', input: { to: 'cy' } }],
      ],
      { approval: () => true },
    );
    const first = await runtime.run({ agent: 'assistant', input: 'x' });
    const second = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    const approved = events.find((event) => event.type === 'tool.approved');
    expect(approved?.data).toMatchObject({ edited: false, sticky: false });
    const third = await runtime.resume(second.runId, {
      decisions: { [second.pending[0]!.callId]: { approve: false } },
    });
    // A one-time denial: the next call of the same tool asks again.
    expect(third.status).toBe('suspended');
    expect(third.pending.map((call) => call.input)).toEqual([{ to: 'cy' }]);
    expect(seen.at(-1)?.at(-1)).toMatchObject({
      content: { error: { code: 'tool.denied', message: 'The user denied this call.' } },
    });
    expect(sent).toEqual(['ada']);
  });
});

describe('tool timing', () => {
  it('tool.succeeded reports how long the call took, by the runtime clock', async () => {
    let now = 1_000_000;
    const { runtime, events } = await setup([[{ id: 'e', name: 'echo', input: { text: 'hi' } }]], {
      now: () => (now += 5),
    });
    await runtime.run({ agent: 'assistant', input: 'x' });
    const succeeded = events.find((event) => event.type === 'tool.succeeded');
    expect(succeeded?.data).toMatchObject({ tool: 'echo', output: 'hi' });
    // Each read of the clock moves it 5 ms: the call is a few reads long, nowhere near the epoch.
    const durationMs = (succeeded!.data as { durationMs: number }).durationMs;
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(durationMs).toBeLessThan(1_000);
  });
});
