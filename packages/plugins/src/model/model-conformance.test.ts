/** Runs core's model conformance suite on the three AI SDK models, each against its local fake server. */
import type { Model } from '@agentry/core';
import { describeModelConformance, type ModelConformanceTurn } from '@agentry/core/testing';
import type { FakeServer, FakeTurn } from './__fixtures__/test-support.js';
import { startFakeAnthropicServer, startFakeOpenAIServer } from './__fixtures__/test-support.js';
import { AnthropicModel } from './anthropic-model.js';
import { OpenAICompatibleModel } from './openai-compatible-model.js';
import { OpenAIModel } from './openai-model.js';

const STATUS = {
  'model.rate_limited': 429,
  'model.server_error': 502,
  'model.bad_request': 400,
  'model.auth': 401,
} as const;

function toFakeTurn(turn: ModelConformanceTurn): FakeTurn {
  switch (turn.type) {
    case 'text':
      return turn.usage === undefined
        ? { type: 'text', text: turn.text }
        : { type: 'text', text: turn.text, usage: turn.usage };
    case 'tool-calls':
      return {
        type: 'tool-calls',
        toolCalls: turn.toolCalls,
        ...(turn.text === undefined ? {} : { text: turn.text }),
      };
    case 'hang':
      return { type: 'hang' };
    case 'error':
      return turn.code === 'model.connection'
        ? { type: 'reset' }
        : { type: 'error', status: STATUS[turn.code], headers: { 'retry-after': '1' } };
  }
}

const servers = new WeakMap<Model, FakeServer>();

function conformance(
  name: string,
  start: (options: { script: FakeTurn[] }) => Promise<FakeServer>,
  create: (baseURL: string) => Model,
): void {
  describeModelConformance({
    name,
    create: async (script) => {
      const server = await start({ script: script.map(toFakeTurn) });
      const model = create(server.baseURL);
      servers.set(model, server);
      return model;
    },
    destroy: async (model) => {
      await servers.get(model)?.close();
    },
  });
}

conformance(
  'OpenAIModel',
  startFakeOpenAIServer,
  (baseURL) => new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: 'sk-conf', baseURL }),
);
conformance(
  'OpenAIModel (api: responses)',
  startFakeOpenAIServer,
  (baseURL) => new OpenAIModel({ model: 'gpt-4.1-mini', apiKey: 'sk-conf', baseURL, api: 'responses' }),
);
conformance(
  'OpenAICompatibleModel',
  startFakeOpenAIServer,
  (baseURL) => new OpenAICompatibleModel({ model: 'llama3.2', baseURL, name: 'ollama' }),
);
conformance(
  'AnthropicModel',
  startFakeAnthropicServer,
  (baseURL) => new AnthropicModel({ model: 'claude-sonnet-4-5', apiKey: 'sk-ant-conf', baseURL }),
);
