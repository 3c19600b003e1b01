/** AI SDK language model objects of each specification version through `ai-sdk` and `createRuntime({ models })`. */
import { createRuntime, defineTool, isAgentryError, type ModelStreamPart } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';

type Part = { type: string; [key: string]: unknown };

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: undefined },
};

/**
 * A language model written against the v4 specification (what AI SDK 7 providers return): tagged file
 * data, `custom` and `reasoning-file` content, `ping` stream parts and the `interrupted` finish reason.
 * It answers from `turns` in order and records every call's options.
 */
function v4Model(turns: { content: Part[]; finish?: string }[]) {
  const calls: { prompt: { role: string; content: Part[] | string }[] }[] = [];
  let index = 0;
  const next = () => {
    const turn = turns[index++];
    if (turn === undefined) throw new Error('the v4 test model ran out of turns');
    return turn;
  };
  const finishReason = (turn: { finish?: string }) => ({ unified: turn.finish ?? 'stop', raw: turn.finish });
  return {
    calls,
    model: {
      specificationVersion: 'v4' as const,
      provider: 'fake-v4.chat',
      modelId: 'fake-v4-model',
      supportedUrls: {},
      async doGenerate(options: { prompt: never }) {
        calls.push(options);
        const turn = next();
        return { content: turn.content, finishReason: finishReason(turn), usage, warnings: [] };
      },
      async doStream(options: { prompt: never }) {
        calls.push(options);
        const turn = next();
        const parts: Part[] = [{ type: 'stream-start', warnings: [] }, { type: 'ping' }];
        for (const part of turn.content) {
          if (part.type === 'text') {
            parts.push({ type: 'text-start', id: 't' });
            parts.push({ type: 'text-delta', id: 't', delta: part.text });
            parts.push({ type: 'text-end', id: 't' });
          } else {
            parts.push(part);
          }
        }
        parts.push({ type: 'finish', usage, finishReason: finishReason(turn) });
        return {
          stream: new ReadableStream<Part>({
            start(controller) {
              for (const part of parts) controller.enqueue(part);
              controller.close();
            },
          }),
        };
      },
    },
  };
}

const toolCall = (id: string, input: object): Part => ({
  type: 'tool-call',
  toolCallId: id,
  toolName: 'add',
  input: JSON.stringify(input),
});

const request = { messages: [{ role: 'user' as const, content: 'Hi' }], tools: [], runId: 'r', callIndex: 0 };

describe('a v4 (AI SDK 7) language model object', () => {
  it('generates text, drops content v3 cannot carry and reports `interrupted` as other', async () => {
    const { model } = v4Model([
      {
        content: [
          { type: 'text', text: 'Hello' },
          { type: 'custom', kind: 'fake.note' },
          {
            type: 'file',
            mediaType: 'image/png',
            data: { type: 'url', url: new URL('https://x.test/a.png') },
          },
        ],
        finish: 'interrupted',
      },
    ]);
    const agentryModel = new AiSdkLanguageModel({ languageModel: model });
    expect(agentryModel).toMatchObject({ provider: 'fake-v4.chat', modelId: 'fake-v4-model' });
    const response = await agentryModel.generate(request);
    expect(response).toMatchObject({ text: 'Hello', toolCalls: [], finishReason: 'other' });
    expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
  });

  it('streams text deltas and tool calls, skipping keep-alive pings', async () => {
    const { model } = v4Model([
      { content: [{ type: 'text', text: 'Adding' }, toolCall('c1', { a: 1, b: 2 })] },
    ]);
    const parts: ModelStreamPart[] = [];
    const tools = [{ name: 'add', description: 'Adds', inputSchema: { type: 'object' } }];
    for await (const part of new AiSdkLanguageModel({ languageModel: model }).stream({ ...request, tools })) {
      parts.push(part);
    }
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'tool-call', 'finish']);
    expect(parts[1]).toEqual({
      type: 'tool-call',
      toolCall: { id: 'c1', name: 'add', input: { a: 1, b: 2 } },
    });
  });

  it('runs a tool loop when passed to createRuntime({ models }), tool results reaching it in v4 form', async () => {
    const { model, calls } = v4Model([
      { content: [toolCall('c1', { a: 2, b: 3 })], finish: 'tool-calls' },
      { content: [{ type: 'text', text: 'The sum is 5.' }] },
    ]);
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      sideEffects: 'none',
      execute: ({ a, b }) => a + b,
    });
    const runtime = await createRuntime({
      config: { version: 1, agents: { assistant: { model: 'main', instructions: 'Add.' } } },
      models: { main: model },
      tools: [add],
    });
    try {
      const result = await runtime.run({ agent: 'assistant', input: 'What is 2 + 3?' });
      expect(result).toMatchObject({ status: 'completed', output: 'The sum is 5.' });
      expect(result.usage).toMatchObject({ modelCalls: 2, toolCalls: 1, inputTokens: 24, outputTokens: 8 });
      const toolMessage = calls[1]?.prompt.find((message) => message.role === 'tool');
      expect(toolMessage?.content).toEqual([
        expect.objectContaining({
          type: 'tool-result',
          toolCallId: 'c1',
          output: { type: 'json', value: 5 },
        }),
      ]);
    } finally {
      await runtime.close();
    }
  });

  it('refuses a specification version it does not know, naming the versions it takes', () => {
    const future = { ...v4Model([]).model, specificationVersion: 'v9' };
    let caught: unknown;
    try {
      new AiSdkLanguageModel({ languageModel: future });
    } catch (error) {
      caught = error;
    }
    expect(isAgentryError(caught) && caught.code).toBe('plugin.spec_version_unsupported');
    expect((caught as Error).message).toContain('accepts v2, v3, v4');
  });

  it('says where such an object can come from when a config names the ai-sdk model without one', () => {
    expect(() => new AiSdkLanguageModel({ languageModel: 'gpt-4.1-mini' as never })).toThrow(
      /only be passed in code, through createRuntime\(\{ models \}\)/,
    );
  });
});
