/**
 * With a queue shared by workers elsewhere (`inProcess: false`), the API drives nothing itself: a new run
 * and a run whose decisions are complete are handed to the queue. (The same against BullMQ on Redis and a
 * real `agentry worker`: packages/cli/src/serve-queue.int.test.ts.)
 */
import type { Queue, QueueConsumer, QueueStatus, RunJob } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('takes sessionPolicy enqueue (a queued run waits for its session) and refuses the others with 422', async () => {
    const queue = new ElsewhereQueue();
    const { runtime } = await noteRuntime({ queue });
    closers.push(() => runtime.close());
    const api = new OpenApiClient(createServer(runtime));
    const body = { agent: 'writer', input: 'write it', sessionId: 'desk' };
    const queued = await api.call<{ state: string }>('POST', '/api/v1/runs', {
      body: { ...body, sessionPolicy: 'enqueue' },
    });
    expect(queued.body.state).toBe('queued');
    const steer = await api.call<{ error: { issues: { path: string }[] } }>('POST', '/api/v1/runs', {
      body: { ...body, sessionPolicy: 'steer' },
    });
    expect(steer.status).toBe(422);
    expect(steer.body.error.issues[0]?.path).toBe('sessionPolicy');
    expect(queue.jobs).toHaveLength(1);
  });
});
