/** AnthropicModel against a local fake Messages API server (JSON, SSE event stream, tool use, errors). */
import type { ModelRequest, ModelStreamPart } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer, FakeTurn } from './__fixtures__/test-support.js';
import { startFakeAnthropicServer } from './__fixtures__/test-support.js';
import { AnthropicModel } from './anthropic-model.js';

const SECRET = 'sk-ant-test-0123456789';
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [{ role: 'user', content: 'Hi' }],
    tools: [],
    runId: 'run_1',
    callIndex: 0,
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: FakeTurn[]): Promise<{ model: AnthropicModel; server: FakeServer }> {
  server = await startFakeAnthropicServer({ script });
  return {
    model: new AnthropicModel({ model: 'claude-sonnet-4-5', apiKey: SECRET, baseURL: server.baseURL }),
    server,
  };
}

describe('AnthropicModel', () => {
  it('generates text, sends the key as x-api-key and the system prompt separately', async () => {
    const { model, server } = await setup([
      { type: 'text', text: 'Hello', usage: { inputTokens: 12, outputTokens: 4 } },
    ]);
    const response = await model.generate(
      request({
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'Hi' },
        ],
      }),
    );
    expect(response).toMatchObject({ text: 'Hello', toolCalls: [], finishReason: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
    const sent = server.requests[0];
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe(SECRET);
    expect(sent?.body.system).toEqual([{ type: 'text', text: 'Be brief' }]);
  });

  it('round-trips a tool call: tool_use out, tool_result back', async () => {
    const { model, server } = await setup([
      {
        type: 'tool-calls',
        text: 'Let me check',
        toolCalls: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      { type: 'text', text: 'Cold' },
    ]);
    const first = await model.generate(request({ tools: [weatherTool] }));
    expect(first).toMatchObject({ text: 'Let me check', finishReason: 'tool-calls' });
    expect(first.toolCalls).toEqual([{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(server.requests[0]?.body.tools).toEqual([
      expect.objectContaining({
        name: 'get_weather',
        input_schema: expect.objectContaining({ required: ['city'] }),
      }),
    ]);
    const second = await model.generate(
      request({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: 'Let me check', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'toolu_1', toolName: 'get_weather', content: 'boom', isError: true },
        ],
      }),
    );
    expect(second.text).toBe('Cold');
    const messages = server.requests[1]?.body.messages as {
      role: string;
      content: Record<string, unknown>[];
    }[];
    expect(messages[1]?.content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', id: 'toolu_1', input: { city: 'Oslo' } }),
    );
    expect(messages[2]?.content[0]).toMatchObject({
      type: 'tool_result',
      tool_use_id: 'toolu_1',
      is_error: true,
    });
  });

  it('streams text and a fragmented tool call from the event stream', async () => {
    const { model } = await setup([
      {
        type: 'tool-calls',
        text: 'Checking',
        toolCalls: [
          {
            id: 'toolu_2',
            name: 'get_weather',
            input: { city: 'Rome' },
            fragments: ['{"ci', 'ty": "Rome"}'],
          },
        ],
        usage: { inputTokens: 30, outputTokens: 9 },
      },
    ]);
    const parts = await collect(model.stream(request({ tools: [weatherTool] })));
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('Checking');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } } },
    ]);
    const last = parts.at(-1);
    expect(last).toMatchObject({
      type: 'finish',
      response: {
        text: 'Checking',
        finishReason: 'tool-calls',
        usage: { inputTokens: 30, outputTokens: 9, totalTokens: 39 },
      },
    });
  });

  it('rejects malformed streamed tool input with model.invalid_output', async () => {
    const { model } = await setup([
      {
        type: 'tool-calls',
        toolCalls: [{ id: 't', name: 'get_weather', rawArguments: '{"city": ', fragments: ['{"city": '] }],
      },
    ]);
    const error = await failure(collect(model.stream(request({ tools: [weatherTool] }))));
    expect(error).toMatchObject({ code: 'model.invalid_output', retryable: true });
  });

  it.each([
    [429, { 'retry-after': '3' }, 'model.rate_limited', true],
    [529, {}, 'model.server_error', true],
    [500, {}, 'model.server_error', true],
    [401, {}, 'model.auth', false],
    [400, {}, 'model.bad_request', false],
  ] as const)('classifies HTTP %i as %s', async (status, headers, code, retryable) => {
    const { model } = await setup([{ type: 'error', status, headers, message: `bad key ${SECRET}` }]);
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ code, retryable });
    expect((error as Error).message).not.toContain(SECRET);
    if (status === 429) expect(error).toMatchObject({ retryAfterMs: 3000 });
  });

  it('names ANTHROPIC_API_KEY when no key is configured', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const model = new AnthropicModel({ model: 'claude-sonnet-4-5', baseURL: 'http://127.0.0.1:9/v1' });
      const error = (await failure(model.generate(request()))) as {
        code: string;
        message: string;
        hint: string;
      };
      expect(error.code).toBe('model.auth');
      expect(error.message).toContain('ANTHROPIC_API_KEY');
      expect(error.hint).toContain('apiKey');
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('declares the anthropic plugin', () => {
    expect(AnthropicModel.plugin).toMatchObject({ kind: 'model', name: 'anthropic', specVersion: 1 });
  });
});
