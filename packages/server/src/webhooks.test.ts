import { createRuntime, type Runtime, ScriptedModel, signBody } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from './create-server.js';

const SECRET = 'whsec-server-test-0123456789';
const TOKENS = [{ role: 'admin' as const, token: 'admin-token-0123456789abcdef' }];
const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function setup() {
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
              signature: { format: 'github', secretEnv: 'GH_HOOK_SECRET' },
              idempotencyKey: { header: 'X-GitHub-Delivery' },
              schema: {
                type: 'object',
                required: ['repository', 'head_commit'],
                properties: {
                  repository: { type: 'object', properties: { name: { type: 'string' } } },
                  head_commit: {
                    type: 'object',
                    required: ['message'],
                    properties: { message: { type: 'string', minLength: 1 } },
                  },
                },
              },
              input: 'Summarise {{payload.head_commit.message}} in {{payload.repository.name}}',
            },
          ],
        },
      },
    },
    models: { m: new ScriptedModel({ script: ['done', 'done'] }) },
  });
  opened.push(runtime);
  const triggers = await runtime.startTriggers?.({ env: { GH_HOOK_SECRET: SECRET } });
  const server = createServer(runtime, { tokens: TOKENS, ...(triggers ? { triggers } : {}) });
  const post = (body: string, headers: Record<string, string>, path = 'github/push') =>
    server.fetch(
      new Request(`http://localhost/hooks/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
    );
  return { runtime, post };
}

const good = JSON.stringify({ repository: { name: 'agentry' }, head_commit: { message: 'Fix CI' } });
const signed = (body: string, delivery: string) => ({
  ...signBody({ format: 'github', secret: SECRET }, body),
  'x-github-delivery': delivery,
});

describe('POST /hooks/<path>', () => {
  it('authenticates by signature, not bearer token: 202 { runId }, and the run starts', async () => {
    const { runtime, post } = await setup();
    const response = await post(good, signed(good, 'd-1'));
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    const record = await runtime.runs.get(runId);
    expect(record?.input).toBe('Summarise Fix CI in agentry');
  });

  it('a bad signature gets 401 and starts nothing', async () => {
    const { runtime, post } = await setup();
    const forged = { ...signBody({ format: 'github', secret: 'guess' }, good), 'x-github-delivery': 'd-2' };
    const response = await post(good, forged);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'webhook.signature_invalid',
    );
    // A bearer token does not replace the signature.
    const withToken = await post(good, {
      authorization: `Bearer ${TOKENS[0]?.token}`,
      'x-github-delivery': 'd-3',
    });
    expect(withToken.status).toBe(401);
    expect(await runtime.runs.list()).toEqual([]);
  });

  it('a redelivery starts no second run and answers with the first runId', async () => {
    const { runtime, post } = await setup();
    const first = (await (await post(good, signed(good, 'd-4'))).json()) as { runId: string };
    const again = await post(good, signed(good, 'd-4'));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ runId: first.runId, duplicate: true });
    expect((await runtime.runs.list()).map((run) => run.runId)).toEqual([first.runId]);
  });

  it('a payload that does not match the schema gets 422 with the path of the bad field', async () => {
    const { runtime, post } = await setup();
    const bad = JSON.stringify({ repository: { name: 7 }, head_commit: {} });
    const response = await post(bad, signed(bad, 'd-5'));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((issue) => issue.path).sort()).toEqual([
      'head_commit.message',
      'repository.name',
    ]);
    expect(await runtime.runs.list()).toEqual([]);
  });

  it('an unknown path is 404', async () => {
    const { post } = await setup();
    expect((await post(good, signed(good, 'd-6'), 'nope')).status).toBe(404);
  });
});
