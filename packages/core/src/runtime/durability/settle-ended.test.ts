import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../../contracts/json.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import type { LocalQueue } from '../../defaults/local-queue.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { createRuntime } from '../create-runtime.js';
import { RUNS_NAMESPACE } from '../records/run-records.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A durable agent that calls `send` (unsafe) once, then answers `final` (or runs out of steps). */
async function processOn(store: Store, options: { queue?: LocalQueue; maxSteps?: number } = {}) {
  const sent: string[] = [];
  const send = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    execute: ({ to }) => {
      sent.push(to);
      return 'sent';
    },
  });
  const runtime = await createRuntime({
    config: {
      version: 1,
      agents: {
        mailer: {
          model: 'demo',
          durable: true,
          ...(options.maxSteps ? { budget: { maxSteps: options.maxSteps } } : {}),
        },
      },
    },
    models: {
      demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'final'] }),
    },
    tools: [send],
    store,
    ...(options.queue ? { queue: options.queue } : {}),
    runLeaseTtlMs: 1_000,
  });
  opened.push(runtime);
  return { runtime, sent };
}

/** What a worker killed between the final checkpoint and the record write leaves: the record says `running`. */
async function recordLeftRunning(store: Store, runId: string): Promise<void> {
  const record = (await store.get(RUNS_NAMESPACE, runId)) as { [key: string]: JsonValue };
  const { output: _output, stopReason: _stopReason, error: _error, ...rest } = record;
  await store.set(RUNS_NAMESPACE, runId, { ...rest, status: 'running', pending: [] });
}

describe('a run whose final checkpoint was written but not its record', () => {
  it('resume settles the record from the checkpoint: completed with its output, nothing runs again', async () => {
    const store = new MemoryStore();
    const first = await processOn(store);
    const done = await first.runtime.run({ agent: 'mailer', input: 'mail ada' });
    expect(done.status).toBe('completed');
    await recordLeftRunning(store, done.runId);

    const second = await processOn(store);
    const result = await second.runtime.resume(done.runId);
    expect(result).toMatchObject({ status: 'completed', stopReason: 'completed', output: 'final' });
    expect(await second.runtime.runs.get(done.runId)).toMatchObject({ status: 'completed', output: 'final' });
    expect(second.sent).toEqual([]);
    const types = (await second.runtime.runs.events(done.runId)).map((event) => event.type);
    expect(types.filter((type) => type === 'run.resumed')).toEqual([]);
    // Settled once, the run is complete again and refuses another resume.
    await expect(second.runtime.resume(done.runId)).rejects.toMatchObject({ code: 'run.not_resumable' });
  });

  it('a failed run is settled failed, with its stop reason and error', async () => {
    const store = new MemoryStore();
    const first = await processOn(store, { maxSteps: 1 });
    const failed = await first.runtime.run({ agent: 'mailer', input: 'mail ada' });
    expect(failed).toMatchObject({ status: 'failed', stopReason: 'max_steps' });
    await recordLeftRunning(store, failed.runId);

    const second = await processOn(store, { maxSteps: 1 });
    const result = await second.runtime.resume(failed.runId);
    expect(result).toMatchObject({
      status: 'failed',
      stopReason: 'max_steps',
      error: { code: failed.error?.code },
    });
    expect(await second.runtime.runs.get(failed.runId)).toMatchObject({ status: 'failed' });
  });

  it('a takeover job from the queue settles it instead of waiting on it forever', async () => {
    const store = new MemoryStore();
    const first = await processOn(store);
    const done = await first.runtime.run({ agent: 'mailer', input: 'mail ada' });
    await recordLeftRunning(store, done.runId);

    const queue = new WatchedQueue();
    const worker = await processOn(store, { queue });
    await worker.runtime.work();
    await queue.enqueue({ kind: 'takeover', runId: done.runId, agentId: 'mailer' });
    await queue.stopped(worker.runtime, done.runId, ['running']);
    expect(await worker.runtime.runs.get(done.runId)).toMatchObject({ status: 'completed', output: 'final' });
    expect(worker.sent).toEqual([]);
    expect((await queue.status(['mailer'])).counts).toMatchObject({ completed: 1, failed: 0 });
  });
});
