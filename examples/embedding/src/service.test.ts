/** End to end over HTTP on 127.0.0.1: a run stops at an approval, shows up in /approvals, and completes once approved. */
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRuntime, type PendingCall, type RunRecord, type RunResult, type Runtime } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRefundTool, RefundLedger } from './refund-tool.js';
import { createAgentService, listen, type PendingApproval } from './service.js';

const config = fileURLToPath(new URL('../agentry.yaml', import.meta.url));

describe('the embedding service', () => {
  let runtime: Runtime;
  let server: Server;
  let base: string;
  let ledger: RefundLedger;

  beforeEach(async () => {
    ledger = new RefundLedger();
    runtime = await createRuntime({ config, tools: [createRefundTool(ledger)] });
    server = createAgentService(runtime);
    base = await listen(server, 0, '127.0.0.1');
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('suspends at the gated tool, lists it, and completes after approval with the tool run once', async () => {
    const started = await call<RunResult>('POST', '/runs', {
      agent: 'support',
      input: 'Refund order 1042 please',
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    expect(ledger.refunds).toEqual([]);

    const listed = await call<{ approvals: PendingApproval[] }>('GET', '/approvals');
    expect(listed.body.approvals).toHaveLength(1);
    const [approval] = listed.body.approvals;
    expect(approval).toMatchObject({
      runId: started.body.runId,
      agentId: 'support',
      input: 'Refund order 1042 please',
    });
    expect(approval!.pending).toHaveLength(1);
    const pending = approval!.pending[0] as PendingCall;
    expect(pending).toMatchObject({ tool: 'issue_refund', input: { orderId: '1042', amountCents: 1999 } });

    const resumed = await call<RunResult>('POST', `/runs/${started.body.runId}/resume`, {
      decisions: { [pending.callId]: { approve: true } },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'completed', output: 'Refunded 19.99 for order 1042.' });
    expect(ledger.refunds).toEqual([{ orderId: '1042', amountCents: 1999, idempotencyKey: pending.callId }]);

    expect((await call<{ approvals: PendingApproval[] }>('GET', '/approvals')).body.approvals).toEqual([]);
    const record = await call<RunRecord>('GET', `/runs/${started.body.runId}`);
    expect(record.body).toMatchObject({ status: 'completed', usage: { toolCalls: 1 } });
  });

  it('tells the model about a denial and never runs the tool', async () => {
    const started = await call<RunResult>('POST', '/runs', { agent: 'support', input: 'Refund order 1042' });
    const callId = started.body.pending[0]!.callId;
    const resumed = await call<RunResult>('POST', `/runs/${started.body.runId}/resume`, {
      decisions: { [callId]: { approve: false, reason: 'Order was never paid' } },
    });
    expect(resumed.body.status).toBe('completed');
    expect(ledger.refunds).toEqual([]);
  });

  it('starts a run in the background with wait: false', async () => {
    const started = await call<{ runId: string }>('POST', '/runs', {
      agent: 'support',
      input: 'Refund 1042',
      wait: false,
    });
    expect(started.status).toBe(202);
    let record: RunRecord | undefined;
    while (record?.status !== 'suspended') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await call<RunRecord>('GET', `/runs/${started.body.runId}`);
      record = response.status === 200 ? response.body : undefined;
    }
    expect(record.pending.map((entry) => entry.tool)).toEqual(['issue_refund']);
  });

  it('answers bad requests with a 4xx and an error code', async () => {
    expect(await call('POST', '/runs', { agent: 'support' })).toMatchObject({
      status: 400,
      body: { error: { code: 'body_invalid' } },
    });
    expect(await call('POST', '/runs', { agent: 'suport', input: 'hi' })).toMatchObject({
      status: 404,
      body: { error: { code: 'agent.not_found' } },
    });
    expect(await call('POST', '/runs/run_missing/resume', { decisions: {} })).toMatchObject({
      status: 404,
      body: { error: { code: 'run.not_found' } },
    });
    const started = await call<RunResult>('POST', '/runs', { agent: 'support', input: 'Refund order 1042' });
    const wrong = await call('POST', `/runs/${started.body.runId}/resume`, {
      decisions: { call_unknown: { approve: true } },
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'run.decision_invalid' } } });
    expect(ledger.refunds).toEqual([]);
    expect(await call('GET', '/nowhere')).toMatchObject({
      status: 404,
      body: { error: { code: 'route_not_found' } },
    });
  });
});
