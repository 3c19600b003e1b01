import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import type { Logger } from '../../contracts/services.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { createRuntime } from '../create-runtime.js';
import { runLeaseName } from '../durability/run-lease.js';

/** An in-memory queue that behaves like a shared one. */
class SharedQueue extends WatchedQueue {
  override readonly inProcess: boolean = false;
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

describe('a worker that loses a run lease mid-run', () => {
  it('offers the job again, so the run is taken over and completes instead of staying running with no job', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message) => warnings.push(message),
      error: () => {},
    };
    const keys: string[] = [];
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const step = defineTool({
      name: 'step',
      description: 'An idempotent step; the first execution waits until the run is stopped',
      input: z.object({}),
      sideEffects: 'idempotent',
      execute: (_input, context) => {
        keys.push(context.idempotencyKey ?? '');
        if (keys.length > 1) return 'ok';
        entered();
        return new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(new Error('aborted')));
        });
      },
    });
    const runtime = await createRuntime({
      config: { version: 1, agents: { worker: { model: 'demo', durable: true } } },
      models: { demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'step', input: {} }] }, 'done'] }) },
      tools: [step],
      store,
      queue,
      logger,
      runLeaseTtlMs: 300,
    });
    opened.push(runtime);
    await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'worker', input: 'go' });
    await inside;
    // Someone else holds the lease for a moment (a takeover after a pause): the worker's renewal fails.
    const held = await store.readLease(runLeaseName(runId));
    await store.releaseLease(held!);
    const thief = await store.acquireLease(runLeaseName(runId), 'thief', 300);
    await store.releaseLease(thief!);
    const again = await store.acquireLease(runLeaseName(runId), 'thief', 50);
    expect(again).toBeDefined();

    await queue.stopped(runtime, runId);
    expect(await runtime.runs.get(runId)).toMatchObject({ status: 'completed', output: 'done' });
    expect(warnings).toContain(
      'a run lost its lease here: its later writes were refused; its job is offered again',
    );
    // The idempotent step ran again after the takeover, with the same key.
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
  });
});
