import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

/** One process with the default (local, in-memory) queue over a store that outlives it (close keeps it open). */
async function processOn(
  shared: Store,
  queue = new WatchedQueue(),
): Promise<Runtime & { queue: WatchedQueue }> {
  const store = new Proxy(shared, {
    get: (target, property, receiver) =>
      property === 'close' ? async () => {} : Reflect.get(target, property, receiver),
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { writer: { model: 'demo', durable: true } } },
    models: { demo: new ScriptedModel({ script: ['written'] }) },
    store,
    queue,
  });
  opened.push(runtime);
  return Object.assign(runtime, { queue });
}

describe('the local queue after its process exits', () => {
  it('a runtime that starts working on the same store offers the runs left queued again, keeping runAt', async () => {
    const store = new MemoryStore();
    const first = await processOn(store);
    const runAt = Date.now() + 300;
    const { runId } = await first.enqueue({ agent: 'writer', input: 'later', runAt });
    // The process exits before the run was due: its in-memory job is gone, the record stays queued.
    await first.close({ mode: 'interrupt' });
    const second = await processOn(store);
    expect((await second.runs.get(runId))?.status).toBe('queued');
    await second.work();
    // The run is due 300 ms after it was enqueued: the second process's queue waits for runAt.
    await second.queue.stopped(second, runId);
    expect(await second.runs.get(runId)).toMatchObject({ status: 'completed', output: 'written' });
    const started = (await second.runs.events(runId)).find((event) => event.type === 'run.started');
    expect(Date.parse(started!.time)).toBeGreaterThanOrEqual(runAt);
  });

  it('a run enqueued by the working process itself is not offered twice', async () => {
    const store = new MemoryStore();
    const runtime = await processOn(store);
    const { runId } = await runtime.enqueue({ agent: 'writer', input: 'now' });
    expect(await runtime.queue.stopped(runtime, runId)).toMatchObject({ status: 'completed' });
    const status = await runtime.queueStatus();
    expect(status.counts.completed).toBe(1);
  });
});
