import { createRuntime, MemoryStore, type Runtime, ScriptedModel } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RunGauges } from './run-gauges.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A runtime on `store` with its own in-process bus: what another process sharing the store looks like. */
async function processOn(store: MemoryStore): Promise<Runtime> {
  const runtime = await createRuntime({
    config: { version: 1, agents: { a: { model: 'm', durable: true } } },
    models: { m: new ScriptedModel({ script: ['done'] }) },
    store,
  });
  opened.push(runtime);
  return runtime;
}

describe('RunGauges', () => {
  it('counts the runs of other processes at the next recount, not at every read', async () => {
    const store = new MemoryStore();
    const server = await processOn(store);
    const worker = await processOn(store);
    let now = 0;
    const gauges = new RunGauges(server, { recountMs: 60_000, now: () => now });
    await server.run({ agent: 'a', input: 'here' });
    expect((await gauges.read()).byStatus.get('completed')).toBe(1);

    // A run of another process: this server's bus does not report it.
    await worker.run({ agent: 'a', input: 'elsewhere' });
    await server.run({ agent: 'a', input: 'here again' });
    now = 59_999;
    expect((await gauges.read()).byStatus.get('completed')).toBe(2);
    now = 60_000;
    expect((await gauges.read()).byStatus.get('completed')).toBe(3);
  });

  it('keeps the last counts when a recount cannot read the store, and counts again at the next read', async () => {
    const store = new MemoryStore();
    const server = await processOn(store);
    let now = 0;
    const gauges = new RunGauges(server, { recountMs: 1_000, now: () => now });
    await server.run({ agent: 'a', input: 'one' });
    expect((await gauges.read()).byStatus.get('completed')).toBe(1);

    const list = server.runs.list.bind(server.runs);
    server.runs.list = () => Promise.reject(new Error('store down'));
    now = 1_000;
    await expect(gauges.read()).rejects.toThrow('store down');
    await server.run({ agent: 'a', input: 'two' });
    server.runs.list = list;
    expect((await gauges.read()).byStatus.get('completed')).toBe(2);
  });
});
