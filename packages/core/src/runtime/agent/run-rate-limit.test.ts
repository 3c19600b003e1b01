import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../contracts/runtime.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function open(store: MemoryStore, key: 'agent' | 'session') {
  const runtime = await createRuntime({
    config: {
      version: 1,
      models: { m: { provider: 'scripted' } },
      agents: {
        a: {
          model: 'm',
          hooks: { beforeRun: [{ type: 'rate-limit', config: { max: 2, perMs: 60_000, key } }] },
        },
      },
    },
    models: { m: new ScriptedModel({ script: ['ok', 'ok', 'ok', 'ok', 'ok'] }) },
    store,
  });
  opened.push(runtime);
  return runtime;
}

describe('the rate-limit run hook', () => {
  it('per agent, counted in the store: two runtimes on one store share the limit', async () => {
    const store = new MemoryStore();
    const first = await open(store, 'agent');
    const second = await open(store, 'agent');
    expect((await first.run({ agent: 'a', input: '1' })).status).toBe('completed');
    expect((await second.run({ agent: 'a', input: '2' })).status).toBe('completed');
    const third = await second.run({ agent: 'a', input: '3' });
    expect(third.status).toBe('rejected');
    expect(third.error).toMatchObject({ code: 'run.rejected' });
    expect(third.error?.message).toMatch(/at most 2 run\(s\) per 60000 ms/);
  });

  it('per session: another session has its own count; runs without a session are not counted', async () => {
    const runtime = await open(new MemoryStore(), 'session');
    for (const input of ['1', '2']) await runtime.run({ agent: 'a', input, sessionId: 's1' });
    expect((await runtime.run({ agent: 'a', input: '3', sessionId: 's1' })).status).toBe('rejected');
    expect((await runtime.run({ agent: 'a', input: '4', sessionId: 's2' })).status).toBe('completed');
    expect((await runtime.run({ agent: 'a', input: '5' })).status).toBe('completed');
  });
});
