import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { createRuntime } from '../create-runtime.js';
import { CHECKPOINT_NAMESPACE } from '../durability/envelope.js';

/** An in-memory queue that behaves like a shared one: decisions go through it. */
class SharedQueue extends WatchedQueue {
  override readonly inProcess: boolean = false;
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

async function processOn(store: Store, queue: WatchedQueue): Promise<{ runtime: Runtime; sent: string[] }> {
  const sent: string[] = [];
  const send = defineTool({
    name: 'send',
    description: 'Sends a message',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ to }) => {
      sent.push(to);
      return 'sent';
    },
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { mailer: { model: 'demo', durable: true } } },
    models: {
      demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'done'] }),
    },
    tools: [send],
    store,
    queue,
    runLeaseTtlMs: 2_000,
  });
  opened.push(runtime);
  return { runtime, sent };
}

describe('a queued job that fails', () => {
  it('marks its run failed with run.job_failed naming the cause, instead of leaving it queued', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const { runtime, sent } = await processOn(store, queue);
    await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'mailer', input: 'mail ada' });
    const suspended = await queue.stopped(runtime, runId);
    expect(suspended.status).toBe('suspended');
    // The checkpoint is damaged while the run waits for its approval.
    await store.set(CHECKPOINT_NAMESPACE, runId, { not: 'a checkpoint' });
    await runtime.enqueueResume(runId, { decisions: { [suspended.pending[0]!.callId]: { approve: true } } });

    const failed = await queue.stopped(runtime, runId);
    expect(failed).toMatchObject({
      status: 'failed',
      stopReason: 'error',
      error: { code: 'run.job_failed' },
    });
    expect(failed.error?.message).toContain('checkpoint.');
    expect(failed.error?.hint).toContain('agentry resume');
    expect(sent).toEqual([]);
    expect((await queue.status(['mailer'])).counts.failed).toBe(1);
  });
});
