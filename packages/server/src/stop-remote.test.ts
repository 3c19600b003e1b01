/** Cancel and interrupt through the API for a run another process drives: asked through its inbox (202). */
import {
  createRuntime,
  LocalQueue,
  MemoryStore,
  type RunRecord,
  type Runtime,
  ScriptedModel,
} from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { gateTool } from './__fixtures__/gate-tool.js';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { createServer } from './create-server.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A worker process driving a run that holds in its tool, and a server process on the same store. */
async function workerAndServer() {
  const { tool: hold, release, inside } = gateTool();
  const store = new MemoryStore();
  const open = async () => {
    const runtime = await createRuntime({
      config: { version: 1, agents: { a: { model: 'm', durable: true } } },
      models: { m: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'hold', input: {} }] }, 'done'] }) },
      tools: [hold],
      store,
    });
    opened.push(runtime);
    return runtime;
  };
  const worker = await open();
  const server = await open();
  const run = worker.run({ agent: 'a', input: 'go', runId: 'remote' });
  await inside;
  return { api: new OpenApiClient(createServer(server)), run, release };
}

describe('stopping a run another process drives, through the API', () => {
  it('cancel answers 202 with the run still running; the run ends cancelled at its next step boundary', async () => {
    const { api, run, release } = await workerAndServer();
    const answer = await api.call<RunRecord>('POST', '/api/v1/runs/remote/cancel', {
      body: { reason: 'wrong input' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('running');
    release();
    const result = await run;
    expect(result).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    expect(JSON.stringify(result.error ?? {})).toContain('wrong input');
    expect((await api.call<RunRecord>('GET', '/api/v1/runs/remote')).body.status).toBe('cancelled');
  });

  it('interrupt answers 202; the durable run ends interrupted and can be resumed', async () => {
    const { api, run, release } = await workerAndServer();
    const answer = await api.call<RunRecord>('POST', '/api/v1/runs/remote/interrupt');
    expect(answer.status).toBe(202);
    release();
    expect((await run).status).toBe('interrupted');
    const again = await api.call<{ error: { code: string } }>('POST', '/api/v1/runs/remote/interrupt');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run.not_active');
  });

  it('cancel of a queued run answers 202; the run ends cancelled when a worker starts it, before any model call', async () => {
    const store = new MemoryStore();
    const queue = new (class extends LocalQueue {
      override readonly inProcess: boolean = false;
    })();
    const model = new ScriptedModel({ script: ['done'], record: true });
    const open = async () => {
      const runtime = await createRuntime({
        config: { version: 1, agents: { a: { model: 'm', durable: true } } },
        models: { m: model },
        store,
        queue,
      });
      opened.push(runtime);
      return runtime;
    };
    const server = await open();
    const api = new OpenApiClient(createServer(server));
    const { runId } = await server.enqueue({ agent: 'a', input: 'go' });
    const answer = await api.call<RunRecord>('POST', `/api/v1/runs/${runId}/cancel`);
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('queued');

    const worker = await open();
    const ended = new Promise<void>((resolve) => {
      worker.events.onAny((event) => {
        if (event.runId === runId && event.type === 'run.cancelled') resolve();
      });
    });
    await worker.work();
    await ended;
    expect((await api.call<RunRecord>('GET', `/api/v1/runs/${runId}`)).body.status).toBe('cancelled');
    expect(model.calls).toHaveLength(0);
  });
});
