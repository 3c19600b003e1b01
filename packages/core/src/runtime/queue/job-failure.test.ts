import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConsumeOptions, JobHandler, QueueConsumer, RunJob } from '../../contracts/queue.js';
import type { RunRecord } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { LocalQueue } from '../../defaults/local-queue.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';
import { CHECKPOINT_NAMESPACE } from '../durability/envelope.js';
import { runLeaseName } from '../durability/run-lease.js';

/** An in-memory queue that behaves like a shared one: decisions go through it. */
class SharedQueue extends LocalQueue {
  override readonly inProcess: boolean = false;
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

async function processOn(store: Store, queue: LocalQueue): Promise<{ runtime: Runtime; sent: string[] }> {
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

async function settled(runtime: Runtime, runId: string, from: RunRecord['status']): Promise<RunRecord> {
  for (;;) {
    const record = await runtime.runs.get(runId);
    if (record && record.status !== from && record.status !== 'running') return record;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a queued job that fails', () => {
  it('marks its run failed with run.job_failed naming the cause, instead of leaving it queued', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const { runtime, sent } = await processOn(store, queue);
    await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'mailer', input: 'mail ada' });
    const suspended = await settled(runtime, runId, 'queued');
    expect(suspended.status).toBe('suspended');
    // The checkpoint is damaged while the run waits for its approval.
    await store.set(CHECKPOINT_NAMESPACE, runId, { not: 'a checkpoint' });
    await runtime.enqueueResume(runId, { decisions: { [suspended.pending[0]!.callId]: { approve: true } } });

    const failed = await settled(runtime, runId, 'queued');
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

/** A shared queue that holds its jobs and can give one up, as BullMQ does with a job that stalled too often. */
class GivingUpQueue extends SharedQueue {
  readonly held: RunJob[] = [];
  #givenUp: ConsumeOptions['onGivenUp'];

  override async enqueue(job: RunJob): Promise<{ jobId: string }> {
    this.held.push(job);
    return { jobId: String(this.held.length) };
  }

  override async consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer> {
    this.#givenUp = options.onGivenUp;
    return super.consume(handler, options);
  }

  async giveUp(job: RunJob, reason: string): Promise<void> {
    await this.#givenUp?.(job, reason);
  }
}

describe('a job the queue gives up without handing it over', () => {
  it('marks its run failed with run.job_failed and the queue reason', async () => {
    const queue = new GivingUpQueue();
    const { runtime, sent } = await processOn(new MemoryStore(), queue);
    await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'mailer', input: 'mail ada' });
    await queue.giveUp(queue.held[0]!, 'taken back from dead workers more than maxStalledCount (1) times');

    const record = await runtime.runs.get(runId);
    expect(record).toMatchObject({
      status: 'failed',
      stopReason: 'error',
      error: { code: 'run.job_failed' },
    });
    expect(record?.error?.message).toContain(
      'the queue gave the job up: taken back from dead workers more than maxStalledCount (1) times',
    );
    expect(record?.error?.hint).toContain('agentry resume');
    expect(sent).toEqual([]);
    // The runs list filters by status on its index: the run is listed as failed, not queued.
    expect((await runtime.runs.list({ status: 'queued' })).map((run) => run.runId)).toEqual([]);
    expect((await runtime.runs.list({ status: 'failed' })).map((run) => run.runId)).toEqual([runId]);
  });

  it('leaves a run whose lease another process holds to that process', async () => {
    const store = new MemoryStore();
    const queue = new GivingUpQueue();
    const { runtime } = await processOn(store, queue);
    await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'mailer', input: 'mail ada' });
    const holder = await store.acquireLease(runLeaseName(runId), 'another-worker', 60_000);
    expect(holder).toBeDefined();
    await queue.giveUp(queue.held[0]!, 'stalled');

    expect((await runtime.runs.get(runId))?.status).toBe('queued');
  });
});
