import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord, SessionBusyPolicy } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { LocalQueue } from '../../defaults/local-queue.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';
import { INBOX_NAMESPACE } from '../inbox/run-inbox.js';

/** An in-memory queue that behaves like a shared one (bullmq): nothing runs it in the submitting process. */
class SharedQueue extends LocalQueue {
  override readonly inProcess: boolean = false;
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

/**
 * Two processes on one store and one shared queue: `app` drives run `active` in session `shared`, held in
 * a tool until `release()`; `worker` takes the queue's jobs.
 */
async function twoProcesses() {
  const store = new MemoryStore();
  const queue = new SharedQueue();
  const held = gateTool();
  const app = await configRuntime(
    [
      { toolCalls: [{ tool: 'hold', input: {} }] },
      { when: { input: 'second' }, text: 'answered the second input too' },
      { text: 'answered' },
    ],
    { durable: true },
    { tools: [held.tool], store, queue },
  );
  const worker = await configRuntime(
    [{ text: 'the queued run answered' }],
    { durable: true },
    { store, queue },
  );
  opened.push(app.runtime, worker.runtime);
  const first = app.runtime.run({ agent: 'assistant', input: 'first', sessionId: 'shared', runId: 'active' });
  await held.inside;
  await worker.runtime.work();
  const enqueue = (sessionPolicy: SessionBusyPolicy, input = 'second') =>
    app.runtime.enqueue({ agent: 'assistant', input, sessionId: 'shared', sessionPolicy });
  return { store, app: app.runtime, worker: worker.runtime, held, first, enqueue };
}

describe('a queued run keeps its sessionPolicy: the worker that takes it applies it', () => {
  it('reject: the queued run fails with run.busy naming the run that holds the session', async () => {
    const { app, held, first, enqueue } = await twoProcesses();
    const { runId } = await enqueue('reject');
    const refused = await ended(app, runId);
    expect(refused).toMatchObject({
      status: 'failed',
      error: { code: 'run.busy', context: { holderRunId: 'active' } },
    });
    expect(refused.error?.message).toContain('active');
    held.release();
    expect((await first).status).toBe('completed');
  });

  it('interrupt: the active run is asked through its inbox, ends interrupted, and the queued run runs', async () => {
    const { store, app, held, first, enqueue } = await twoProcesses();
    const { runId } = await enqueue('interrupt', 'urgent');
    await inboxUsed(store, 'active');
    held.release();
    expect((await first).status).toBe('interrupted');
    expect(await ended(app, runId)).toMatchObject({ status: 'completed', output: 'the queued run answered' });
  });

  it('steer: the input goes into the active run and the queued run ends rejected with run.steered', async () => {
    const { store, app, held, first, enqueue } = await twoProcesses();
    const { runId } = await enqueue('steer', 'second thoughts');
    const steered = await ended(app, runId);
    expect(steered).toMatchObject({
      status: 'rejected',
      stopReason: 'rejected',
      error: { code: 'run.steered', context: { holderRunId: 'active' } },
    });
    expect(steered.error?.message).toContain('active');
    expect(await inboxUsed(store, 'active')).toBe(true);
    held.release();
    expect(await first).toMatchObject({ status: 'completed', output: 'answered the second input too' });
  });

  it('enqueue (or none): the queued run waits for its session, then runs', async () => {
    const { app, held, first, enqueue } = await twoProcesses();
    const { runId } = await enqueue('enqueue', 'later');
    expect((await app.runs.get(runId))?.status).toBe('queued');
    held.release();
    expect((await first).status).toBe('completed');
    expect(await ended(app, runId)).toMatchObject({ status: 'completed', output: 'the queued run answered' });
  });
});

describe('runtime.steer', () => {
  it('stores the input in the active run of the session, in whichever process, and names that run', async () => {
    const { worker, held, first } = await twoProcesses();
    expect(await worker.steer('shared', 'second thoughts')).toEqual({
      runId: 'active',
      seq: 1,
      status: 'running',
    });
    expect(await worker.steer('elsewhere', 'hello')).toBeUndefined();
    await expect(worker.steer('shared', ' ')).rejects.toMatchObject({ code: 'run.request_invalid' });
    held.release();
    expect(await first).toMatchObject({ output: 'answered the second input too' });
    expect(await worker.steer('shared', 'too late')).toBeUndefined();
  });
});

/** The run's record once it stopped being queued or running. */
async function ended(runtime: Runtime, runId: string): Promise<RunRecord> {
  for (;;) {
    const record = await runtime.runs.get(runId);
    if (record && record.status !== 'queued' && record.status !== 'running') return record;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Until something was stored in the run's inbox. */
async function inboxUsed(store: Store, runId: string): Promise<true> {
  while (!(await store.get(INBOX_NAMESPACE, runId))) await new Promise((resolve) => setTimeout(resolve, 5));
  return true;
}
