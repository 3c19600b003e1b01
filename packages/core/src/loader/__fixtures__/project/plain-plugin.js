// Fixture: a plugin written in plain JavaScript (ESM), loaded with import().
import { z } from 'zod';

export const scriptedLike = {
  kind: 'model',
  name: 'scripted-like',
  specVersion: 1,
  description: 'Always answers the configured reply',
  configSchema: z.strictObject({ reply: z.string() }),
  create: (config) => ({
    kind: 'model',
    specVersion: 1,
    provider: 'fixture',
    modelId: 'fixture-1',
    generate: async () => ({
      text: config.reply,
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      finishReason: 'stop',
    }),
  }),
};

export default {
  kind: 'memory',
  name: 'plain-memory',
  specVersion: 1,
  description: 'A memory in plain JS',
  configSchema: z.object({}),
  create: () => ({
    kind: 'memory',
    specVersion: 1,
    inject: async () => ({ messages: [] }),
    writeback: async () => {},
  }),
};

export const notAPlugin = { hello: 'world' };

/** A tool written by hand in JavaScript that forgot `sideEffects` (defineTool would not compile without it). */
export const toolWithoutSideEffects = {
  kind: 'tool',
  specVersion: 1,
  name: 'send-mail',
  description: 'Sends a mail',
  inputSchema: { type: 'object' },
  execute: async () => 'sent',
};
