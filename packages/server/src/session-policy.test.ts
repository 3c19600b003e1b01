import { createRuntime, type Runtime, ScriptedModel } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gateTool } from './__fixtures__/gate-tool.js';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { type AgentryServer, createServer } from './create-server.js';

type Accepted = { runId: string; state: string; inputSeq?: number };
type Run = { runId: string; status: string; output?: string };
type Failure = { error: { code: string; message: string; runId?: string; issues?: { path: string }[] } };

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A server whose first run in session `shared` holds it (in its `hold` tool) until `release()`. */
async function busySession() {
  const { tool: hold, release, inside } = gateTool();
  const runtime = await createRuntime({
    config: { version: 1, agents: { assistant: { model: 'demo', durable: true } } },
    models: {
      demo: new ScriptedModel({
        script: [
          { toolCalls: [{ tool: 'hold', input: {} }] },
          { when: { input: 'second thoughts' }, text: 'answered the steered input too' },
          { text: 'answered' },
          { text: 'answered' },
        ],
      }),
    },
    tools: [hold],
  });
  opened.push(runtime);
  const server = createServer(runtime);
  const api = new OpenApiClient(server);
  const first = await api.call<Accepted>('POST', '/api/v1/runs', {
    body: { agent: 'assistant', input: 'first', sessionId: 'shared' },
  });
  expect(first.body.state).toBe('running');
  await inside;
  return { server, api, runtime, active: first.body.runId, release };
}

const start = (api: OpenApiClient, input: string, sessionPolicy: string) =>
  api.call<Accepted & Failure>('POST', '/api/v1/runs', {
    body: { agent: 'assistant', input, sessionId: 'shared', sessionPolicy },
  });

async function statusOf(api: OpenApiClient, runId: string): Promise<Run> {
  return (await api.call<Run>('GET', `/api/v1/runs/${runId}`)).body;
}

async function finish(server: AgentryServer, release: () => void): Promise<void> {
  release();
  await server.settled();
}

describe('POST /api/v1/runs with a sessionPolicy, while the session has an active run', () => {
  it('reject: 409 run.busy naming the active run, which goes on untouched', async () => {
    const { server, api, runtime, active, release } = await busySession();
    const listed = vi.spyOn(runtime.runs, 'list');
    const refused = await start(api, 'second', 'reject');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'run.busy', runId: active });
    expect(refused.body.error.message).toContain(active);
    // The active run comes with the refusal: no run is looked for in the run index.
    expect(listed).not.toHaveBeenCalled();
    await finish(server, release);
    expect((await statusOf(api, active)).status).toBe('completed');
  });

  it('enqueue: a new run that starts once the active one ended', async () => {
    const { server, api, active, release } = await busySession();
    const queued = await start(api, 'later', 'enqueue');
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ state: 'running' });
    expect(queued.body.runId).not.toBe(active);
    await finish(server, release);
    expect(await statusOf(api, active)).toMatchObject({ status: 'completed' });
    expect(await statusOf(api, queued.body.runId)).toMatchObject({ status: 'completed', output: 'answered' });
  });

  it('interrupt: the active run stops resumable and the new run runs', async () => {
    const { server, api, active, release } = await busySession();
    const urgent = await start(api, 'urgent', 'interrupt');
    expect(urgent.status).toBe(202);
    expect(urgent.body.runId).not.toBe(active);
    await finish(server, release);
    expect((await statusOf(api, active)).status).toBe('interrupted');
    expect((await statusOf(api, urgent.body.runId)).status).toBe('completed');
  });

  it('steer: answers once the input is in the active run’s inbox (state steered, its id); no new run is made', async () => {
    const { server, api, active, release } = await busySession();
    // The active run is still inside its tool: it takes the input only at its next step boundary.
    const answer = await start(api, 'second thoughts', 'steer');
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ runId: active, state: 'steered', inputSeq: 1 });
    expect((await statusOf(api, active)).status).toBe('running');
    release();
    await server.settled();
    expect(await statusOf(api, active)).toMatchObject({
      status: 'completed',
      output: 'answered the steered input too',
    });
    const runs = await api.call<{ runs: Run[] }>('GET', '/api/v1/runs');
    expect(runs.body.runs.map((run) => run.runId)).toEqual([active]);
  });

  it('reject with a free session starts the run as usual', async () => {
    const { server, api, active, release } = await busySession();
    await finish(server, release);
    const fresh = await start(api, 'again', 'reject');
    expect(fresh.status).toBe(202);
    expect(fresh.body.runId).not.toBe(active);
    await server.settled();
    expect((await statusOf(api, fresh.body.runId)).status).toBe('completed');
  });
});

describe('an invalid sessionPolicy', () => {
  it('answers 422 naming the field and the allowed values', async () => {
    const { server, api, release } = await busySession();
    const unknown = await api.call<Failure>('POST', '/api/v1/runs', {
      body: { agent: 'assistant', input: 'x', sessionId: 'shared', sessionPolicy: 'later' },
      invalid: true,
    });
    expect(unknown.status).toBe(422);
    const issue = unknown.body.error.issues?.[0] as { path: string; message: string };
    expect(issue.path).toBe('sessionPolicy');
    for (const allowed of ['reject', 'enqueue', 'interrupt', 'steer'])
      expect(issue.message).toContain(allowed);

    const sessionless = await api.call<Failure>('POST', '/api/v1/runs', {
      body: { agent: 'assistant', input: 'x', sessionPolicy: 'steer' },
      invalid: true,
    });
    expect(sessionless.status).toBe(422);
    expect(sessionless.body.error.issues).toEqual([
      { path: 'sessionPolicy', message: expect.stringContaining('needs a sessionId') },
    ]);
    await finish(server, release);
  });
});
