/** OpenAIModel and OpenAICompatibleModel against a local fake Chat Completions server (JSON, SSE, tools, errors). */
import { isAgentryError, type Model, type ModelRequest, type ModelStreamPart } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeServer, FakeTurn } from './__fixtures__/test-support.js';
import { startFakeOpenAIServer } from './__fixtures__/test-support.js';
import { OpenAICompatibleModel } from './openai-compatible-model.js';
import { OpenAIModel } from './openai-model.js';

const SECRET = 'sk-test-0123456789abcdef';
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

const variants: { label: string; create(baseURL: string): Model }[] = [
  {
    label: 'OpenAIModel',
    create: (baseURL) => new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, baseURL }),
  },
  {
    label: 'OpenAICompatibleModel',
    create: (baseURL) => new OpenAICompatibleModel({ model: 'llama3.2', apiKey: SECRET, baseURL }),
  },
];

describe.each(variants)('$label over the Chat Completions protocol', ({ create }) => {
  async function setup(script: FakeTurn[]): Promise<{ model: Model; server: FakeServer }> {
    server = await startFakeOpenAIServer({ script });
    return { model: create(server.baseURL), server };
  }

  it('generates text with usage and sends the key as a bearer token', async () => {
    const { model, server } = await setup([
      { type: 'text', text: 'Hello there', usage: { inputTokens: 7, outputTokens: 3 } },
    ]);
    const response = await model.generate(
      request({
        messages: [
          { role: 'system', content: 'Be brief' },
          { role: 'user', content: 'Hi' },
        ],
      }),
    );
    expect(response).toMatchObject({ text: 'Hello there', toolCalls: [], finishReason: 'stop' });
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3, totalTokens: 10 });
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(server.requests[0]?.body.messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('returns tool calls with parsed input and sends tool results back', async () => {
    const { model, server } = await setup([
      { type: 'tool-calls', toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }] },
      { type: 'text', text: 'It is cold' },
    ]);
    const first = await model.generate(request({ tools: [weatherTool] }));
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    const sentTools = server.requests[0]?.body.tools as { function: { name: string; parameters: unknown } }[];
    expect(sentTools[0]?.function.name).toBe('get_weather');
    expect(sentTools[0]?.function.parameters).toMatchObject({ properties: { city: { type: 'string' } } });

    const second = await model.generate(
      request({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'call_1', toolName: 'get_weather', content: { celsius: -3 } },
        ],
      }),
    );
    expect(second.text).toBe('It is cold');
    const sent = server.requests[1]?.body.messages as Record<string, unknown>[];
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ],
    });
    expect(sent[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: '{"celsius":-3}' });
  });

  it('streams text deltas, streamed tool-call fragments and usage, ending with finish', async () => {
    const { model, server } = await setup([
      {
        type: 'tool-calls',
        text: 'Checking',
        toolCalls: [
          {
            id: 'call_9',
            name: 'get_weather',
            input: { city: 'Rome' },
            fragments: ['{"ci', 'ty":"Ro', 'me"}'],
          },
        ],
        usage: { inputTokens: 20, outputTokens: 8 },
      },
    ]);
    const parts = await collect(model.stream!(request({ tools: [weatherTool] })));
    const deltas = parts.filter((part) => part.type === 'text-delta').map((part) => part.text);
    expect(deltas.join('')).toBe('Checking');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'call_9', name: 'get_weather', input: { city: 'Rome' } } },
    ]);
    const last = parts.at(-1);
    expect(last?.type).toBe('finish');
    if (last?.type !== 'finish') return;
    expect(last.response).toMatchObject({ text: 'Checking', finishReason: 'tool-calls' });
    expect(last.response.usage).toEqual({ inputTokens: 20, outputTokens: 8, totalTokens: 28 });
    expect(server.requests[0]?.body.stream_options).toEqual({ include_usage: true });
  });

  it('rejects malformed tool-call arguments with model.invalid_output', async () => {
    const { model } = await setup([
      { type: 'tool-calls', toolCalls: [{ id: 'c', name: 'get_weather', rawArguments: '{"city": "Os' }] },
      { type: 'tool-calls', toolCalls: [{ id: 'c', name: 'get_weather', rawArguments: '{"city": "Os' }] },
    ]);
    const generated = await failure(model.generate(request({ tools: [weatherTool] })));
    expect(generated).toMatchObject({ code: 'model.invalid_output', retryable: true });
    const streamed = await failure(collect(model.stream!(request({ tools: [weatherTool] }))));
    expect(streamed).toMatchObject({ code: 'model.invalid_output' });
  });

  it.each([
    [429, { 'retry-after': '7' }, 'model.rate_limited', true, 7000],
    [429, { 'retry-after-ms': '1500', 'retry-after': '9' }, 'model.rate_limited', true, 1500],
    [500, {}, 'model.server_error', true, undefined],
    [503, {}, 'model.server_error', true, undefined],
    [401, {}, 'model.auth', false, undefined],
    [403, {}, 'model.auth', false, undefined],
    [400, {}, 'model.bad_request', false, undefined],
    [404, {}, 'model.bad_request', false, undefined],
  ] as const)('classifies HTTP %i as %s', async (status, headers, code, retryable, retryAfterMs) => {
    const { model } = await setup([
      { type: 'error', status, headers, message: `Incorrect API key provided: ${SECRET}` },
      { type: 'error', status, headers },
    ]);
    const error = await failure(model.generate(request()));
    expect(isAgentryError(error)).toBe(true);
    expect(error).toMatchObject({ code, retryable });
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
    expect((error as Error).message).not.toContain(SECRET);
    const streamed = await failure(collect(model.stream!(request())));
    expect(streamed).toMatchObject({ code, retryable });
  });

  it('reads an HTTP-date Retry-After', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const { model } = await setup([{ type: 'error', status: 429, headers: { 'retry-after': at } }]);
    const error = (await failure(model.generate(request()))) as { retryAfterMs?: number };
    expect(error.retryAfterMs).toBeGreaterThan(30_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('classifies a dropped connection as retryable model.connection', async () => {
    const { model } = await setup([{ type: 'reset' }]);
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ code: 'model.connection', retryable: true });
  });

  it('rejects when the caller aborts a hanging call', async () => {
    const { model, server } = await setup([{ type: 'hang' }]);
    const controller = new AbortController();
    const pending = failure(model.generate(request({ signal: controller.signal })));
    await server.received(1);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ code: 'run.cancelled', retryable: false });
  });
});

/**
 * Starts `call` against a server that never answers, waits until the request is in flight, then moves a fake clock
 * past `timeoutMs`: the call ends by its timeout, whatever the machine's speed.
 */
async function timedOut(call: (model: OpenAIModel) => Promise<unknown>): Promise<unknown> {
  const timeoutMs = 30_000;
  server = await startFakeOpenAIServer({ script: [{ type: 'hang' }] });
  const model = new OpenAIModel({
    model: 'gpt-4.1-mini',
    apiKey: SECRET,
    baseURL: server.baseURL,
    timeoutMs,
  });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const pending = failure(call(model));
    await server.received(1);
    await vi.advanceTimersByTimeAsync(timeoutMs);
    return await pending;
  } finally {
    vi.useRealTimers();
  }
}

describe('OpenAIModel specifics', () => {
  it('classifies a refused connection as model.connection', async () => {
    const closed = await startFakeOpenAIServer();
    await closed.close();
    const model = new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, baseURL: closed.baseURL });
    const error = await failure(model.generate(request()));
    expect(error).toMatchObject({ code: 'model.connection', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('turns a call that outlives timeoutMs into retryable model.timeout', async () => {
    const error = await timedOut((model) => model.generate(request()));
    expect(error).toMatchObject({ code: 'model.timeout', retryable: true });
  });

  it('stops the request when the consumer leaves a stream early, without unhandled rejections', async () => {
    server = await startFakeOpenAIServer({
      script: [
        { type: 'text', text: 'one two three four', chunks: ['one ', 'two ', 'three ', 'four'], open: true },
      ],
    });
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const model = new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, baseURL: server.baseURL });
      const seen: string[] = [];
      for await (const part of model.stream(request())) {
        if (part.type === 'text-delta') seen.push(part.text);
        break;
      }
      // The stream never ends by itself: the server sees it end only when the client has stopped the request.
      await server.finished(1);
      expect(seen).toEqual(['one ']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('times out a stream that stalls', async () => {
    const error = await timedOut((model) => collect(model.stream(request())));
    expect(error).toMatchObject({ code: 'model.timeout', retryable: true });
  });

  it('passes a call of an unknown tool through, so the runtime can tell the model', async () => {
    server = await startFakeOpenAIServer({
      script: [{ type: 'tool-calls', toolCalls: [{ id: 'c1', name: 'not_a_tool', input: { a: 1 } }] }],
    });
    const model = new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, baseURL: server.baseURL });
    const response = await model.generate(request({ tools: [weatherTool] }));
    expect(response.toolCalls).toEqual([{ id: 'c1', name: 'not_a_tool', input: { a: 1 } }]);
  });

  it('registers the API key with the redactor when created as a plugin', async () => {
    const secrets: string[] = [];
    const redactor = {
      addSecret: (value: string) => void secrets.push(value),
      redactText: (text: string) => text,
      redact: <T>(value: T) => value,
    };
    const config = OpenAIModel.plugin.configSchema.parse({
      model: 'gpt-4.1-mini',
      apiKey: SECRET,
      headers: { Authorization: 'Bearer hdr-secret-1' },
    });
    const model = await OpenAIModel.plugin.create(config, { redactor } as never);
    expect(model.modelId).toBe('gpt-4.1-mini');
    expect(secrets).toEqual([SECRET, 'hdr-secret-1']);
  });

  it('names the env var and the config key when no key is configured', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const model = new OpenAIModel({ model: 'gpt-4.1-mini', baseURL: 'http://127.0.0.1:9/v1' });
      const error = (await failure(model.generate(request()))) as {
        code: string;
        message: string;
        hint: string;
      };
      expect(error.code).toBe('model.auth');
      expect(`${error.message} ${error.hint}`).toContain('OPENAI_API_KEY');
      expect(error.hint).toContain('apiKey');
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('takes the key from OPENAI_API_KEY when config has none', async () => {
    server = await startFakeOpenAIServer({ script: [{ type: 'text', text: 'ok' }] });
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-env-123';
    try {
      const model = new OpenAIModel({ model: 'gpt-4.1-mini', baseURL: server.baseURL });
      await model.generate(request());
      expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env-123');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('exposes pricing and passes temperature and maxOutputTokens', async () => {
    server = await startFakeOpenAIServer({ script: [{ type: 'text', text: 'ok' }] });
    const model = new OpenAIModel({
      model: 'gpt-4.1-mini',
      apiKey: SECRET,
      baseURL: server.baseURL,
      temperature: 0.2,
      maxOutputTokens: 64,
      headers: { 'x-team': 'agentry' },
      pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
    });
    expect(model.pricing).toEqual({ inputPerMillion: 0.4, outputPerMillion: 1.6 });
    await model.generate(request({ temperature: 0.5 }));
    expect(server.requests[0]?.body).toMatchObject({ temperature: 0.5, max_tokens: 64 });
    expect(server.requests[0]?.headers['x-team']).toBe('agentry');
  });

  it('rejects invalid config with plugin.config_invalid', () => {
    expect(() => new OpenAIModel({ model: '' })).toThrow(
      expect.objectContaining({ code: 'plugin.config_invalid' }),
    );
    expect(() => new OpenAICompatibleModel({ model: 'x' } as never)).toThrow(/baseURL/);
  });

  it('declares plugin definitions with the canonical names', () => {
    expect(OpenAIModel.plugin).toMatchObject({ kind: 'model', name: 'openai' });
    expect(OpenAICompatibleModel.plugin).toMatchObject({ kind: 'model', name: 'openai-compatible' });
  });
});

describe('OpenAIModel with api: responses', () => {
  const create = (baseURL: string) =>
    new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, baseURL, api: 'responses' });

  it('generates text and tool calls over POST /v1/responses, sending tool results back', async () => {
    server = await startFakeOpenAIServer({
      script: [
        { type: 'tool-calls', toolCalls: [{ id: 'call_r1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { type: 'text', text: 'Cold in Oslo', usage: { inputTokens: 40, outputTokens: 4 } },
      ],
    });
    const model = create(server.baseURL);
    const first = await model.generate(request({ tools: [weatherTool] }));
    expect(server.requests[0]?.path).toBe('/v1/responses');
    expect(first).toMatchObject({ finishReason: 'tool-calls' });
    expect(first.toolCalls).toEqual([{ id: 'call_r1', name: 'get_weather', input: { city: 'Oslo' } }]);
    const second = await model.generate(
      request({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: '', toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: 'call_r1', toolName: 'get_weather', content: { celsius: -3 } },
        ],
      }),
    );
    expect(second).toMatchObject({ text: 'Cold in Oslo', finishReason: 'stop' });
    expect(second.usage).toEqual({ inputTokens: 40, outputTokens: 4, totalTokens: 44 });
    const input = server.requests[1]?.body.input as Record<string, unknown>[];
    expect(input).toContainEqual(expect.objectContaining({ type: 'function_call', call_id: 'call_r1' }));
    expect(input).toContainEqual(
      expect.objectContaining({ type: 'function_call_output', call_id: 'call_r1', output: '{"celsius":-3}' }),
    );
  });

  it('streams text and fragmented tool arguments from the Responses event stream', async () => {
    server = await startFakeOpenAIServer({
      script: [
        {
          type: 'tool-calls',
          text: 'Checking',
          toolCalls: [
            {
              id: 'call_r2',
              name: 'get_weather',
              input: { city: 'Rome' },
              fragments: ['{"ci', 'ty":"Rome"}'],
            },
          ],
          usage: { inputTokens: 9, outputTokens: 3 },
        },
      ],
    });
    const parts = await collect(create(server.baseURL).stream(request({ tools: [weatherTool] })));
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('Checking');
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'call_r2', name: 'get_weather', input: { city: 'Rome' } } },
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      response: {
        text: 'Checking',
        finishReason: 'tool-calls',
        usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 },
      },
    });
  });

  it('classifies errors the same way', async () => {
    server = await startFakeOpenAIServer({
      script: [{ type: 'error', status: 429, headers: { 'retry-after': '2' } }],
    });
    const error = await failure(create(server.baseURL).generate(request()));
    expect(error).toMatchObject({ code: 'model.rate_limited', retryable: true, retryAfterMs: 2000 });
  });
});

describe('budgets: counted input and the per-call output cap', () => {
  it('counts input tokens with the model tokenizer (messages and tool specs) and exposes its own cap', async () => {
    const model = new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: SECRET, maxOutputTokens: 300 });
    const bare = await model.countInputTokens(request());
    const longer = await model.countInputTokens(
      request({ messages: [{ role: 'user', content: 'Hi '.repeat(200) }], tools: [weatherTool] }),
    );
    expect(bare).toBeGreaterThan(0);
    expect(longer).toBeGreaterThan(bare + 150);
    expect(model.maxOutputTokens).toBe(300);
  });
});
