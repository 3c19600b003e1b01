import type { Runtime } from '@agentry/core';
import { createRedactor } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { type Notes, noteConfig, noteRuntime } from './__fixtures__/test-runtime.js';
import { type AgentryServer, createServer } from './create-server.js';

type Approval = {
  runId: string;
  callId: string;
  inputHash: string;
  tool: string;
  input: unknown;
  inputSchema?: object;
};
type Run = { runId: string; status: string; output?: string; agentId: string };

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function setup(): Promise<{
  runtime: Runtime;
  notes: Notes;
  server: AgentryServer;
  api: OpenApiClient;
}> {
  const redactor = createRedactor();
  const { runtime, notes } = await noteRuntime({ redactor, secret: 'sk-demo-secret-value-42' });
  opened.push(runtime);
  redactor.addSecret('sk-demo-secret-value-42');
  const server = createServer(runtime, { redactor, config: () => noteConfig() as never });
  return { runtime, notes, server, api: new OpenApiClient(server) };
}

async function suspendedRun(server: AgentryServer, api: OpenApiClient): Promise<Approval> {
  const started = await api.call<{ runId: string }>('POST', '/api/v1/runs', {
    body: { agent: 'writer', input: 'write it' },
  });
  expect(started.status).toBe(202);
  await server.settled();
  const inbox = await api.call<{ approvals: Approval[] }>('GET', '/api/v1/approvals');
  const approval = inbox.body.approvals.find((entry) => entry.runId === started.body.runId);
  if (!approval) throw new Error('no pending approval');
  return approval;
}

describe('runs and approvals over HTTP', () => {
  it('starts a run, lists its pending write with the tool schema, approves it and the run completes', async () => {
    const { server, api, notes } = await setup();
    const approval = await suspendedRun(server, api);
    expect(approval).toMatchObject({ tool: 'write-note', input: { path: 'a.md', content: 'hello' } });
    expect(approval.inputSchema).toMatchObject({ required: ['path', 'content'] });

    const decided = await api.call(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      {
        body: { decision: 'approve', inputHash: approval.inputHash },
      },
    );
    expect(decided.status).toBe(202);
    await server.settled();
    const run = await api.call<Run>('GET', `/api/v1/runs/${approval.runId}`);
    expect(run.body).toMatchObject({ status: 'completed', output: 'Done.' });
    expect(notes.get('a.md')).toBe('hello');
    expect((await api.call<{ approvals: Approval[] }>('GET', '/api/v1/approvals')).body.approvals).toEqual(
      [],
    );
  });

  it('denies with a reason: the call never runs and the reason is in the run events', async () => {
    const { server, api, notes } = await setup();
    const approval = await suspendedRun(server, api);
    await api.call('POST', `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`, {
      body: { decision: 'deny', reason: 'not that file', inputHash: approval.inputHash },
    });
    await server.settled();
    expect(notes.size).toBe(0);
    const events = await api.call<{ events: { type: string; data: { reason?: string } }[] }>(
      'GET',
      `/api/v1/runs/${approval.runId}/events`,
    );
    expect(events.body.events.find((event) => event.type === 'tool.denied')?.data.reason).toBe(
      'not that file',
    );
  });

  it('refuses an edited input the tool schema refuses, and keeps the call pending', async () => {
    const { server, api, notes } = await setup();
    const approval = await suspendedRun(server, api);
    const refused = await api.call<{ error: { code: string; message: string } }>(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      { body: { decision: 'approve', input: { path: '', content: 1 }, inputHash: approval.inputHash } },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('run.decision_invalid');
    expect(refused.body.error.message).toContain('path');
    const edited = await api.call(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      {
        body: {
          decision: 'approve',
          input: { path: 'b.md', content: 'edited' },
          inputHash: approval.inputHash,
        },
      },
    );
    expect(edited.status).toBe(202);
    await server.settled();
    expect(notes.get('b.md')).toBe('edited');
  });

  it('refuses a decision made for another input hash', async () => {
    const { server, api } = await setup();
    const approval = await suspendedRun(server, api);
    const stale = await api.call<{ error: { code: string } }>(
      'POST',
      `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`,
      { body: { decision: 'approve', inputHash: 'f'.repeat(64) } },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('approval.stale');
  });

  it('answers unknown agents and runs with 404 and invalid bodies with 422 naming the field', async () => {
    const { api } = await setup();
    const agent = await api.call<{ error: { code: string; hint: string } }>('POST', '/api/v1/runs', {
      body: { agent: 'writr', input: 'x' },
    });
    expect(agent.status).toBe(404);
    expect(agent.body.error.hint).toContain('writer');
    expect((await api.call('GET', '/api/v1/runs/nope')).status).toBe(404);
    const invalid = await api.call<{ error: { issues: { path: string }[] } }>('POST', '/api/v1/runs', {
      body: { agent: 'writer' },
      invalid: true,
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.issues.map((issue) => issue.path)).toContain('input');
  });

  it('pages runs newest first with a cursor and filters by status and agent', async () => {
    const { server, api } = await setup();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await suspendedRun(server, api)).runId);
    const first = await api.call<{ runs: Run[]; nextCursor?: string }>('GET', '/api/v1/runs?limit=2');
    expect(first.body.runs.map((run) => run.runId)).toEqual([ids[4], ids[3]]);
    const second = await api.call<{ runs: Run[]; nextCursor?: string }>(
      'GET',
      `/api/v1/runs?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.runs.map((run) => run.runId)).toEqual([ids[2], ids[1]]);
    const last = await api.call<{ runs: Run[]; nextCursor?: string }>(
      'GET',
      `/api/v1/runs?limit=2&cursor=${second.body.nextCursor}`,
    );
    expect(last.body.runs.map((run) => run.runId)).toEqual([ids[0]]);
    expect(last.body.nextCursor).toBeUndefined();
    expect((await api.call<{ runs: Run[] }>('GET', '/api/v1/runs?status=completed')).body.runs).toEqual([]);
    expect(
      (await api.call<{ runs: Run[] }>('GET', '/api/v1/runs?agent=writer&status=suspended')).body.runs,
    ).toHaveLength(5);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await api.call<{ runs: Run[] }>('GET', `/api/v1/runs?since=${future}`)).body.runs).toEqual([]);
  });

  it('shows agents with tools and a redacted config, and never the secret', async () => {
    const { api } = await setup();
    const list = await api.call<{ agents: { id: string; tools: { name: string; approval: string }[] }[] }>(
      'GET',
      '/api/v1/agents',
    );
    expect(list.body.agents[0]?.tools).toContainEqual(
      expect.objectContaining({ name: 'write-note', approval: 'always' }),
    );
    const detail = await api.call('GET', '/api/v1/agents/writer');
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain('sk-demo-secret-value-42');
    expect(detail.text).toContain('Writes notes with key');
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    const { server, api } = await setup();
    await suspendedRun(server, api);
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    const ready = await api.call<{ status: string; checks: Record<string, { ok: boolean }> }>(
      'GET',
      '/readyz',
    );
    expect(ready.body).toMatchObject({ status: 'ok', checks: { store: { ok: true }, events: { ok: true } } });
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.text).toContain('agentry_approvals_waiting 1');
    expect(metrics.text).toContain('agentry_runs{status="suspended"} 1');
    expect(metrics.text).toMatch(/agentry_model_call_duration_seconds_count\{agent="writer"\} 1/);
  });

  it('refuses to interrupt a run that is not running', async () => {
    const { server, api } = await setup();
    const approval = await suspendedRun(server, api);
    const interrupt = await api.call<{ error: { code: string } }>(
      'POST',
      `/api/v1/runs/${approval.runId}/interrupt`,
    );
    expect(interrupt.status).toBe(409);
    expect(interrupt.body.error.code).toBe('run.not_active');
  });

  it('stores input for a suspended run, delivers it when the run continues, and refuses it once the run ended', async () => {
    const { server, api, runtime } = await setup();
    const approval = await suspendedRun(server, api);
    const path = `/api/v1/runs/${approval.runId}/input`;
    const sent = await api.call<{ runId: string; seq: number; status: string }>('POST', path, {
      body: { input: 'Sign it with my name' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ runId: approval.runId, seq: 1, status: 'suspended' });
    await api.call('POST', `/api/v1/approvals/${approval.runId}/${encodeURIComponent(approval.callId)}`, {
      body: { decision: 'approve', inputHash: approval.inputHash },
    });
    await server.settled();
    expect((await runtime.runs.get(approval.runId))?.status).toBe('completed');
    const events = await runtime.runs.events(approval.runId);
    expect(events.find((event) => event.type === 'run.input_received')?.data).toEqual({
      seq: 1,
      text: 'Sign it with my name',
    });
    const late = await api.call<{ error: { code: string } }>('POST', path, { body: { input: 'too late' } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('run.finished');
  });
});
