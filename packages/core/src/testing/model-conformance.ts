/** `describeModelConformance`: the behaviour every `model` plugin must show, driven by a script of canned turns. */
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../contracts/json.js';
import type { Message } from '../contracts/message.js';
import type { Model, ModelRequest, ModelResponse, ModelStreamPart, ToolSpec } from '../contracts/model.js';
import { isAgentryError } from '../errors/agentry-error.js';

/** Error codes a conformance script can ask a model to fail with. */
export type ModelConformanceErrorCode =
  | 'model.rate_limited'
  | 'model.server_error'
  | 'model.connection'
  | 'model.bad_request'
  | 'model.auth';

/** What the model under test must answer to one call; `create` turns these into its own script or fake server. */
export type ModelConformanceTurn =
  | { type: 'text'; text: string; usage?: { inputTokens: number; outputTokens: number } }
  | {
      type: 'tool-calls';
      /** The model's tool-call ids may differ (a scripted model numbers its own); name and input may not. */
      toolCalls: { id: string; name: string; input: JsonObject }[];
      text?: string;
    }
  | { type: 'error'; code: ModelConformanceErrorCode }
  /** The call never answers until it is aborted. */
  | { type: 'hang' };

/** Options of `describeModelConformance`. */
export interface ModelConformanceOptions {
  /** Suite title, e.g. the provider name. */
  name: string;
  /** A model whose successive calls (`callIndex` 0, 1, …) answer with `script`, in order. */
  create: (script: ModelConformanceTurn[]) => Model | Promise<Model>;
  /** Releases what `create` made (a fake server, a connection). */
  destroy?: (model: Model) => void | Promise<void>;
  /** Turn kinds the model cannot be scripted to produce; their checks are skipped. */
  unsupported?: readonly ('hang' | 'error')[];
}

const WEATHER: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather of a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const TIME: ToolSpec = {
  name: 'get_time',
  description: 'Current time in a time zone',
  inputSchema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};
const QUESTION: Message[] = [
  { role: 'system', content: 'You are a conformance test.' },
  { role: 'user', content: 'What is the weather in Oslo?' },
];

function request(callIndex: number, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: QUESTION, tools: [], runId: 'run_model_conformance', callIndex, ...overrides };
}

async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the model call to reject, but it resolved');
}

function expectUsage(response: ModelResponse): void {
  const { inputTokens, outputTokens, totalTokens } = response.usage;
  for (const value of [inputTokens, outputTokens, totalTokens]) {
    expect(Number.isInteger(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
  }
  expect(totalTokens).toBe(inputTokens + outputTokens);
}

function finishOf(parts: ModelStreamPart[]): ModelResponse {
  const finishes = parts.filter((part) => part.type === 'finish');
  expect(finishes).toHaveLength(1);
  const last = parts[parts.length - 1];
  expect(last?.type).toBe('finish');
  if (last?.type !== 'finish') throw new Error('stream did not end with finish');
  return last.response;
}

/** Name and input of each call, without the ids (which a model may assign itself). */
function callShapes(response: ModelResponse): { name: string; input: unknown }[] {
  return response.toolCalls.map((call) => ({ name: call.name, input: call.input }));
}

/**
 * Registers a vitest suite checking: identity fields, text generation, usage
 * numbers (non-negative integers, total = input + output), a tool-call round
 * trip (parsed input, the result sent back), several calls in one turn,
 * streaming (deltas add up to the finish part, which matches `generate`),
 * abort handling, and that failures are `AgentryError`s with `retryable` set
 * (rate limits, connection and 5xx retryable; auth and other 4xx permanent).
 *
 * @example
 * ```ts
 * describeModelConformance({
 *   name: 'scripted',
 *   create: (script) => new ScriptedModel({ script: toScriptedItems(script) }),
 * });
 * ```
 */
export function describeModelConformance(options: ModelConformanceOptions): void {
  const unsupported = new Set(options.unsupported ?? []);
  describe(`model conformance: ${options.name}`, () => {
    const created: Model[] = [];
    const make = async (script: ModelConformanceTurn[]): Promise<Model> => {
      const model = await options.create(script);
      created.push(model);
      return model;
    };
    afterEach(async () => {
      for (const model of created.splice(0)) await options.destroy?.(model);
    });

    it('declares kind model, spec version 1, a provider and a model id', async () => {
      const model = await make([{ type: 'text', text: 'hello' }]);
      expect(model.kind).toBe('model');
      expect(model.specVersion).toBe(1);
      expect(model.provider).toEqual(expect.any(String));
      expect(model.modelId).toEqual(expect.any(String));
      expect(model.modelId.length).toBeGreaterThan(0);
    });

    it('generates text with consistent, non-negative usage', async () => {
      const model = await make([
        { type: 'text', text: 'It is sunny in Oslo.', usage: { inputTokens: 21, outputTokens: 6 } },
      ]);
      const response = await model.generate(request(0));
      expect(response.text).toBe('It is sunny in Oslo.');
      expect(response.toolCalls).toEqual([]);
      expect(response.finishReason).toBe('stop');
      expectUsage(response);
    });

    it('round-trips a tool call: parsed input out, the tool result back in', async () => {
      const model = await make([
        { type: 'tool-calls', toolCalls: [{ id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } }] },
        { type: 'text', text: 'It is -3 °C in Oslo.' },
      ]);
      const first = await model.generate(request(0, { tools: [WEATHER] }));
      expect(first.finishReason).toBe('tool-calls');
      expect(callShapes(first)).toEqual([{ name: 'get_weather', input: { city: 'Oslo' } }]);
      const call = first.toolCalls[0]!;
      expect(call.id).toEqual(expect.any(String));
      expect(call.id.length).toBeGreaterThan(0);
      expectUsage(first);

      const second = await model.generate(
        request(1, {
          tools: [WEATHER],
          messages: [
            ...QUESTION,
            { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
            { role: 'tool', toolCallId: call.id, toolName: call.name, content: { celsius: -3 } },
          ],
        }),
      );
      expect(second.text).toBe('It is -3 °C in Oslo.');
      expect(second.toolCalls).toEqual([]);
      expectUsage(second);
    });

    it('keeps several tool calls of one turn in order, with distinct ids', async () => {
      const model = await make([
        {
          type: 'tool-calls',
          text: 'Checking both.',
          toolCalls: [
            { id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
            { id: 'call_b', name: 'get_time', input: { zone: 'Europe/Oslo' } },
          ],
        },
      ]);
      const response = await model.generate(request(0, { tools: [WEATHER, TIME] }));
      expect(callShapes(response)).toEqual([
        { name: 'get_weather', input: { city: 'Oslo' } },
        { name: 'get_time', input: { zone: 'Europe/Oslo' } },
      ]);
      expect(new Set(response.toolCalls.map((call) => call.id)).size).toBe(2);
    });

    it('streams text deltas that add up to the finish response, which matches generate', async () => {
      const turn: ModelConformanceTurn = { type: 'text', text: 'Streaming works, one piece at a time.' };
      const model = await make([turn, turn]);
      const generated = await model.generate(request(0));
      if (model.stream === undefined) return;
      const parts = await collect(model.stream(request(1)));
      const finish = finishOf(parts);
      const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
      expect(deltas.join('')).toBe(finish.text);
      expect(finish.text).toBe(generated.text);
      expect(finish.finishReason).toBe(generated.finishReason);
      expectUsage(finish);
    });

    it('streams tool calls that match the finish response and generate', async () => {
      const turn: ModelConformanceTurn = {
        type: 'tool-calls',
        toolCalls: [{ id: 'call_s', name: 'get_weather', input: { city: 'Rome' } }],
      };
      const model = await make([turn, turn]);
      const generated = await model.generate(request(0, { tools: [WEATHER] }));
      if (model.stream === undefined) return;
      const parts = await collect(model.stream(request(1, { tools: [WEATHER] })));
      const finish = finishOf(parts);
      const streamed = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []));
      expect(streamed).toEqual(finish.toolCalls);
      expect(callShapes(finish)).toEqual(callShapes(generated));
      expect(finish.finishReason).toBe('tool-calls');
      expectUsage(finish);
    });

    it('rejects a call whose signal is already aborted', async () => {
      const model = await make([
        { type: 'text', text: 'too late' },
        { type: 'text', text: 'too late' },
      ]);
      const controller = new AbortController();
      controller.abort();
      await rejection(model.generate(request(0, { signal: controller.signal })));
      if (model.stream !== undefined)
        await rejection(collect(model.stream(request(1, { signal: controller.signal }))));
    });

    it.skipIf(unsupported.has('hang'))('rejects a call in flight when its signal aborts', async () => {
      const model = await make([{ type: 'hang' }, { type: 'hang' }]);
      const controller = new AbortController();
      const pending = rejection(model.generate(request(0, { signal: controller.signal })));
      setTimeout(() => controller.abort(), 10);
      await pending;
      if (model.stream === undefined) return;
      const streamController = new AbortController();
      const streaming = rejection(collect(model.stream(request(1, { signal: streamController.signal }))));
      setTimeout(() => streamController.abort(), 10);
      await streaming;
    });

    const failures: [ModelConformanceErrorCode, boolean][] = [
      ['model.rate_limited', true],
      ['model.server_error', true],
      ['model.connection', true],
      ['model.auth', false],
      ['model.bad_request', false],
    ];
    it.skipIf(unsupported.has('error')).each(failures)(
      'fails with an AgentryError %s (retryable: %s), also when streaming',
      async (code, retryable) => {
        const model = await make([
          { type: 'error', code },
          { type: 'error', code },
        ]);
        const error = await rejection(model.generate(request(0)));
        expect(isAgentryError(error)).toBe(true);
        expect(error).toMatchObject({ code, retryable });
        if (model.stream === undefined) return;
        const streamed = await rejection(collect(model.stream(request(1))));
        expect(isAgentryError(streamed)).toBe(true);
        expect(streamed).toMatchObject({ code, retryable });
      },
    );
  });
}
