import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { Runtime } from '../contracts/runtime.js';
import type { WebhookEndpoint } from '../contracts/triggers.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { type SignatureCheck, signatureProblem, signBody } from './signature.js';

const SECRET = 'whsec-test-0123456789';
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function endpoint(signature: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const runtime = await createRuntime({
    config: {
      version: 1,
      models: { m: { provider: 'scripted' } },
      agents: {
        ci: {
          model: 'm',
          triggers: [
            {
              id: 'push',
              type: 'webhook',
              path: 'github/push',
              signature: { secretEnv: 'HOOK_SECRET', ...signature },
              input: 'Summarise {{payload.head_commit.message}}',
              ...extra,
            },
          ],
        },
      },
    },
    models: { m: new ScriptedModel({ script: ['done', 'done'] }) },
  });
  opened.push(runtime);
  const events: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    events.push(event);
  });
  const handle = await runtime.startTriggers?.({ env: { HOOK_SECRET: SECRET } });
  const [hook] = handle?.webhooks() ?? [];
  return { runtime, events, hook: hook as WebhookEndpoint };
}

const body = JSON.stringify({ head_commit: { message: 'Fix the build' } });

describe('webhook triggers', () => {
  it('a bad signature is refused (401) and starts nothing', async () => {
    const { runtime, events, hook } = await endpoint({ format: 'github' });
    const forged = signBody({ format: 'github', secret: 'not-the-secret' }, body);
    const reply = await hook.receive({ headers: forged, body });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: { code: 'webhook.signature_invalid' } });
    expect((await hook.receive({ headers: {}, body })).status).toBe(401);
    expect(await runtime.runs.list()).toEqual([]);
    expect(events.filter((event) => event.type.startsWith('trigger.'))).toEqual([]);
  });

  it('a signed delivery gets 202 { runId } at once; a redelivery (same key) starts no second run', async () => {
    const { runtime, events, hook } = await endpoint(
      { format: 'github' },
      { idempotencyKey: { header: 'X-GitHub-Delivery' } },
    );
    const headers = { ...signBody({ format: 'github', secret: SECRET }, body), 'x-github-delivery': 'd-1' };
    const first = await hook.receive({ headers, body });
    expect(first.status).toBe(202);
    const runId = first.body.runId as string;
    const again = await hook.receive({ headers, body });
    expect(again).toEqual({ status: 200, body: { runId, duplicate: true } });
    const runs = await runtime.runs.list();
    expect(runs.map((run) => run.runId)).toEqual([runId]);
    expect(runs[0]?.input).toBe('Summarise Fix the build');
    const skipped = events.find((event) => event.type === 'trigger.skipped');
    expect(skipped?.data).toMatchObject({ reason: 'duplicate', runId });
  });

  it('a payload the check refuses gets 422 with the bad field path; nothing starts', async () => {
    const { runtime, hook } = await endpoint({ format: 'hmac-sha256', header: 'X-Sig' });
    const check: SignatureCheck = { format: 'hmac-sha256', secret: SECRET, header: 'X-Sig' };
    const reply = await hook.receive({ headers: signBody(check, body), body }, () => [
      { path: 'head_commit.message', message: 'must be longer' },
    ]);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: { issues: [{ path: 'head_commit.message' }] } });
    expect(await runtime.runs.list()).toEqual([]);
  });
});

describe('signature formats', () => {
  it('stripe: t=…,v1=… over "<t>.<body>", refused outside the tolerance', () => {
    const check: SignatureCheck = { format: 'stripe', secret: SECRET, toleranceSec: 300 };
    const now = Date.now();
    const headers = signBody(check, body, now);
    expect(signatureProblem(check, headers, body, now)).toBeUndefined();
    expect(signatureProblem(check, headers, `${body} `, now)).toMatch(/does not match/);
    expect(signatureProblem(check, headers, body, now + 600_000)).toMatch(/s old/);
  });

  it('hmac-sha256: a hex digest in the configured header', () => {
    const check: SignatureCheck = { format: 'hmac-sha256', secret: SECRET, header: 'X-Signature' };
    expect(signatureProblem(check, signBody(check, body), body, Date.now())).toBeUndefined();
    expect(signatureProblem(check, { 'x-signature': 'abc' }, body, Date.now())).toMatch(/does not match/);
  });

  it('startTriggers refuses a webhook whose secret env var is unset', async () => {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { m: { provider: 'scripted' } },
        agents: {
          a: {
            model: 'm',
            triggers: [
              {
                id: 'h',
                type: 'webhook',
                path: 'x',
                input: 'x',
                signature: { format: 'github', secretEnv: 'NOPE_SECRET' },
              },
            ],
          },
        },
      },
      models: { m: new ScriptedModel({ script: ['x'] }) },
    });
    opened.push(runtime);
    await expect(runtime.startTriggers?.({ env: {} })).rejects.toMatchObject({ code: 'trigger.invalid' });
  });

  it('triggers defined in code are checked like the config: a bad one refuses to start (trigger.invalid)', async () => {
    const runtime = await createRuntime({
      agents: {
        code: {
          model: new ScriptedModel({ script: ['x'] }),
          triggers: [{ id: 'poll', type: 'interval', every: 'soon', input: 'x' }],
        },
      },
    });
    opened.push(runtime);
    await expect(runtime.startTriggers?.()).rejects.toMatchObject({
      code: 'trigger.invalid',
      message: expect.stringContaining('not a duration'),
    });
  });
});
