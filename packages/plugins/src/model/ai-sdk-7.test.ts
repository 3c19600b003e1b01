/**
 * Models built with AI SDK 7 providers (`LanguageModelV4`, Node 22+) passed to `createRuntime`, against the
 * local fake provider servers. The providers are not workspace dependencies (they need Node 22): CI's Node 24
 * run installs them into its tool folder and points `AGENTRY_AI_SDK_7_MODULES` at its node_modules; there
 * this file must run (`AGENTRY_AI_SDK_7_REQUIRED=1`), elsewhere it is skipped.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRuntime, defineTool, isAgentryError, type ModelStreamPart } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FakeServer, FakeTurn } from './__fixtures__/test-support.js';
import { startFakeAnthropicServer, startFakeOpenAIServer } from './__fixtures__/test-support.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';

const modulesDir = process.env.AGENTRY_AI_SDK_7_MODULES;
const installed = modulesDir !== undefined && existsSync(join(modulesDir, '@ai-sdk/openai/package.json'));
if (!installed && process.env.AGENTRY_AI_SDK_7_REQUIRED === '1') {
  throw new Error(
    `AI SDK 7 providers are required but not installed under AGENTRY_AI_SDK_7_MODULES=${modulesDir ?? '(unset)'}`,
  );
}

type ProviderFactory = (settings: { apiKey: string; baseURL: string; name?: string }) => {
  (modelId: string): { specificationVersion: string };
  chat?: (modelId: string) => { specificationVersion: string };
};

/** Imports one AI SDK 7 provider package from the tool folder (never the workspace's AI SDK 6 copy). */
async function provider(name: string, factory: string): Promise<ProviderFactory> {
  const require = createRequire(join(modulesDir!, 'noop.js'));
  const module = (await import(pathToFileURL(require.resolve(name)).href)) as Record<string, unknown>;
  return module[factory] as ProviderFactory;
}

const KEY = 'sk-ai-sdk-7-test-key';
const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  sideEffects: 'none',
  execute: ({ a, b }) => a + b,
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const toolLoop: FakeTurn[] = [
  {
    type: 'tool-calls',
    toolCalls: [{ id: 'call_1', name: 'add', input: { a: 2, b: 3 } }],
    usage: { inputTokens: 20, outputTokens: 6 },
  },
  { type: 'text', text: 'The sum is 5.', usage: { inputTokens: 30, outputTokens: 4 } },
];

describe.skipIf(!installed)('AI SDK 7 provider models (LanguageModelV4)', () => {
  it('runs a tool loop through createRuntime with an @ai-sdk/openai 4.x chat model', async () => {
    server = await startFakeOpenAIServer({ script: toolLoop });
    const createOpenAI = await provider('@ai-sdk/openai', 'createOpenAI');
    const model = createOpenAI({ apiKey: KEY, baseURL: server.baseURL }).chat!('gpt-4.1-mini');
    expect(model.specificationVersion).toBe('v4');
    const runtime = await createRuntime({
      config: { version: 1, agents: { assistant: { model: 'main', instructions: 'Add numbers.' } } },
      models: { main: model as never },
      tools: [add],
    });
    try {
      const result = await runtime.run({ agent: 'assistant', input: 'What is 2 + 3?' });
      expect(result).toMatchObject({ status: 'completed', output: 'The sum is 5.' });
      expect(result.usage).toMatchObject({ modelCalls: 2, toolCalls: 1, inputTokens: 50, outputTokens: 10 });
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
      const followUp = server.requests[1]?.body.messages as { role: string; content: unknown }[];
      expect(followUp.find((message) => message.role === 'tool')).toMatchObject({ content: '5' });
    } finally {
      await runtime.close();
    }
  });

  it('streams text and a tool call from an @ai-sdk/anthropic 4.x model, with usage', async () => {
    server = await startFakeAnthropicServer({
      script: [
        {
          type: 'tool-calls',
          text: 'Adding.',
          toolCalls: [{ id: 'toolu_1', name: 'add', input: { a: 1, b: 2 } }],
          usage: { inputTokens: 11, outputTokens: 7 },
        },
      ],
    });
    const createAnthropic = await provider('@ai-sdk/anthropic', 'createAnthropic');
    const model = new AiSdkLanguageModel({
      languageModel: createAnthropic({ apiKey: KEY, baseURL: server.baseURL })('claude-sonnet-4-5'),
    });
    const parts: ModelStreamPart[] = [];
    const tools = [{ name: 'add', description: 'Adds', inputSchema: { type: 'object' } }];
    const request = {
      messages: [{ role: 'user' as const, content: 'Add' }],
      tools,
      runId: 'r',
      callIndex: 0,
    };
    for await (const part of model.stream(request)) parts.push(part);
    const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
    expect(deltas.join('')).toBe('Adding.');
    expect(parts.filter((part) => part.type === 'tool-call')).toHaveLength(1);
    const finish = parts.at(-1);
    expect(finish).toMatchObject({
      type: 'finish',
      response: {
        text: 'Adding.',
        toolCalls: [{ id: 'toolu_1', name: 'add', input: { a: 1, b: 2 } }],
        usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 },
        finishReason: 'tool-calls',
      },
    });
  });

  it.each([
    [429, { 'retry-after': '3' }, 'model.rate_limited', true],
    [401, {}, 'model.auth', false],
    [500, {}, 'model.server_error', true],
  ] as const)(
    'classifies HTTP %i from an @ai-sdk/openai-compatible 3.x model as %s',
    async (status, headers, code, retryable) => {
      server = await startFakeOpenAIServer({ script: [{ type: 'error', status, headers }] });
      const createOpenAICompatible = await provider('@ai-sdk/openai-compatible', 'createOpenAICompatible');
      const languageModel = createOpenAICompatible({ name: 'local', apiKey: KEY, baseURL: server.baseURL })(
        'llama3.2',
      );
      let caught: unknown;
      try {
        await new AiSdkLanguageModel({ languageModel }).generate({
          messages: [{ role: 'user', content: 'Hi' }],
          tools: [],
          runId: 'r',
          callIndex: 0,
        });
      } catch (error) {
        caught = error;
      }
      expect(isAgentryError(caught)).toBe(true);
      expect(caught).toMatchObject({ code, retryable });
      if (status === 429) expect(caught).toMatchObject({ retryAfterMs: 3000 });
    },
  );
});
