/**
 * With a queue shared by workers elsewhere (`inProcess: false`), the API drives nothing itself: a new run
 * and a run whose decisions are complete are handed to the queue. (The same against BullMQ on Redis and a
 * real `agentry worker`: packages/cli/src/serve-queue.int.test.ts.)
 */
import {
  createRuntime,
  LocalQueue,
  MemoryStore,
  type Queue,
  type QueueConsumer,
  type QueueStatus,
  type RunJob,
  ScriptedModel,
  type ScriptItem,
} from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { gateTool } from './__fixtures__/gate-tool.js';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { noteRuntime } from './__fixtures__/test-runtime.js';
import { createServer } from './create-server.js';

/** A queue whose jobs some other process would take: it only keeps them. */
class ElsewhereQueue implements Queue {
  readonly kind = 'queue';
  readonly specVersion = 1;
  readonly name = 'elsewhere';
  readonly inProcess = false;
  readonly jobs: RunJob[] = [];
  async enqueue(job: RunJob): Promise<{ jobId: string }> {
    this.jobs.push(job);
    return { jobId: String(this.jobs.length) };
  }
  async consume(): Promise<QueueConsumer> {
    return { stop: async () => undefined };
  }
  async status(): Promise<QueueStatus> {
    return {
      queue: this.name,
      inProcess: false,
      counts: { waiting: this.jobs.length, delayed: 0, active: 0, completed: 0, failed: 0 },
      workers: [],
    };
  }
  async close(): Promise<void> {}
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('the API with a shared queue', () => {
  it('enqueues a new run, and hands a run to the queue once its last call is decided', async () => {
    const queue = new ElsewhereQueue();
    const { runtime, notes } = await noteRuntime({ queue });
    closers.push(() => runtime.close());
    const server = createServer(runtime);
    const api = new OpenApiClient(server);

    const started = await api.call<{ runId: string; state: string }>('POST', '/api/v1/runs', {
      body: { agent: 'writer', input: 'write it' },
    });
    expect(started.body.state).toBe('queued');
    expect(queue.jobs).toEqual([{ kind: 'start', runId: started.body.runId, agentId: 'writer' }]);
    expect((await runtime.runs.get(started.body.runId))?.status).toBe('queued');

    // A run that suspended (here driven in this process directly) continues through the queue.
    const suspended = await runtime.run({ agent: 'writer', input: 'write it', durable: true });
    const call = suspended.pending[0];
    if (!call) throw new Error('the run did not wait for its write');
    const decided = await api.call<{ state: string }>(
      'POST',
      `/api/v1/approvals/${suspended.runId}/${encodeURIComponent(call.callId)}`,
      { body: { decision: 'approve', inputHash: call.inputHash } },
    );
    expect(decided.body).toEqual({ runId: suspended.runId, state: 'queued', waitingFor: [] });
    expect(queue.jobs[1]).toMatchObject({
      kind: 'resume',
      runId: suspended.runId,
      decisions: { [call.callId]: { approve: true, inputHash: call.inputHash } },
    });
    expect((await runtime.runs.get(suspended.runId))?.status).toBe('queued');
    expect(notes.size).toBe(0);
    expect(await runtime.runs.decisions?.get(suspended.runId, [call.callId])).toEqual({});
  });
});

/** An in-memory queue that behaves like a shared one (bullmq): this server submits, a worker takes. */
class SharedQueue extends LocalQueue {
  override readonly inProcess: boolean = false;
}

type Accepted = { runId: string; state: string; inputSeq?: number };
type Run = {
  runId: string;
  status: string;
  output?: string;
  error?: { code: string; message: string; context?: { holderRunId?: string } };
};

/**
 * A server and two workers on one store and one shared queue: worker `holding` drives run `active` of
 * session `desk` (agent `holder`, submitted through the API), which holds the session in its `hold` tool
 * until `release()`; worker `taking` takes the runs of agent `assistant`.
 */
async function busySessionOnWorker() {
  const store = new MemoryStore();
  const queue = new SharedQueue();
  const held = gateTool();
  const processOn = (script: ScriptItem[]) =>
    createRuntime({
      config: {
        version: 1,
        agents: { holder: { model: 'demo', durable: true }, assistant: { model: 'demo', durable: true } },
      },
      models: { demo: new ScriptedModel({ script }) },
      tools: [held.tool],
      store,
      queue,
    });
  const app = await processOn(['this server drives no run']);
  const holding = await processOn([
    { toolCalls: [{ tool: 'hold', input: {} }] },
    { when: { input: 'second thoughts' }, text: 'answered the steered input too' },
    { text: 'answered' },
  ]);
  const taking = await processOn([{ text: 'answered' }]);
  closers.push(
    () => app.close(),
    () => holding.close({ mode: 'interrupt' }),
    () => taking.close({ mode: 'interrupt' }),
  );
  await holding.work({ agents: ['holder'] });
  await taking.work({ agents: ['assistant'] });
  const api = new OpenApiClient(createServer(app));
  const start = (input: string, sessionPolicy?: string, agent = 'assistant') =>
    api.call<Accepted & { error: unknown }>('POST', '/api/v1/runs', {
      body: { agent, input, sessionId: 'desk', ...(sessionPolicy ? { sessionPolicy } : {}) },
    });
  const first = await start('first', undefined, 'holder');
  expect(first.body.state).toBe('queued');
  await held.inside;
  const ended = async (runId: string): Promise<Run> => {
    for (;;) {
      const run = (await api.call<Run>('GET', `/api/v1/runs/${runId}`)).body;
      if (run.status !== 'queued' && run.status !== 'running') return run;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const inboxUsed = async (runId: string): Promise<void> => {
    while (!(await store.get('run-inbox', runId))) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { api, start, ended, inboxUsed, active: first.body.runId, release: held.release };
}

describe('sessionPolicy with a shared queue: the worker that takes the run applies it', () => {
  it('reject: the queued run fails with run.busy naming the run that holds the session', async () => {
    const { start, ended, active, release } = await busySessionOnWorker();
    const refused = await start('second', 'reject');
    expect(refused.status).toBe(202);
    expect(refused.body.state).toBe('queued');
    const run = await ended(refused.body.runId);
    expect(run).toMatchObject({
      status: 'failed',
      error: { code: 'run.busy', context: { holderRunId: active } },
    });
    expect(run.error?.message).toContain(active);
    release();
    expect(await ended(active)).toMatchObject({ status: 'completed' });
  });

  it('interrupt: the active run is asked through its inbox and ends interrupted; the new run runs', async () => {
    const { start, ended, inboxUsed, active, release } = await busySessionOnWorker();
    const urgent = await start('urgent', 'interrupt');
    expect(urgent.body.state).toBe('queued');
    await inboxUsed(active);
    release();
    expect((await ended(active)).status).toBe('interrupted');
    expect(await ended(urgent.body.runId)).toMatchObject({ status: 'completed', output: 'answered' });
  });

  it('steer: answers at once with the active run and the input’s place in its inbox; no run is queued', async () => {
    const { api, start, ended, active, release } = await busySessionOnWorker();
    const steered = await start('second thoughts', 'steer');
    expect(steered.status).toBe(202);
    expect(steered.body).toEqual({ runId: active, state: 'steered', inputSeq: 1 });
    const runs = await api.call<{ runs: Run[] }>('GET', '/api/v1/runs');
    expect(runs.body.runs.map((run) => run.runId)).toEqual([active]);
    release();
    expect(await ended(active)).toMatchObject({
      status: 'completed',
      output: 'answered the steered input too',
    });
  });
});
