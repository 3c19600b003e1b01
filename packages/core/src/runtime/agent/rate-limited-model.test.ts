import { describe, expect, it } from 'vitest';
import type { Model, ModelRequest } from '../../contracts/model.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { createRuntime } from '../create-runtime.js';
import { rateLimitedModel } from './rate-limited-model.js';

const request: ModelRequest = {
  messages: [{ role: 'user', content: 'hi' }],
  tools: [],
  runId: 'r',
  callIndex: 0,
};

describe('models.<name>.rateLimit', () => {
  it('two processes on one store together never start more than `requests` calls in any interval', async () => {
    const store = new MemoryStore();
    const starts: number[] = [];
    const base = new ScriptedModel({ script: ['ok'] });
    const counting: Model = Object.create(base) as Model;
    Object.defineProperty(counting, 'generate', {
      value: async (call: ModelRequest) => {
        starts.push(Date.now());
        return base.generate(call);
      },
    });
    const limit = { requests: 3, intervalMs: 200 };
    const first = rateLimitedModel(counting, 'demo', limit, () => store);
    const second = rateLimitedModel(counting, 'demo', limit, () => store);
    await Promise.all(
      Array.from({ length: 12 }, (_, index) => (index % 2 === 0 ? first : second).generate(request)),
    );
    expect(starts).toHaveLength(12);
    starts.sort((a, b) => a - b);
    for (let index = limit.requests; index < starts.length; index++) {
      expect(starts[index]! - starts[index - limit.requests]!).toBeGreaterThanOrEqual(limit.intervalMs);
    }
  });

  it('a waiting call stops when its signal aborts', async () => {
    const store = new MemoryStore();
    const model = rateLimitedModel(
      new ScriptedModel({ script: ['ok'] }),
      'demo',
      { requests: 1, intervalMs: 60_000 },
      () => store,
    );
    await model.generate(request);
    const controller = new AbortController();
    const waiting = model.generate({ ...request, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('is accepted in the config and not handed to the provider', async () => {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: {
          demo: { provider: 'scripted', script: ['hello'], rateLimit: { requests: 5, intervalMs: 1000 } },
        },
        agents: { greeter: { model: 'demo' } },
      },
    });
    expect(await runtime.run({ agent: 'greeter', input: 'hi' })).toMatchObject({
      status: 'completed',
      output: 'hello',
    });
    await runtime.close();
  });
});
