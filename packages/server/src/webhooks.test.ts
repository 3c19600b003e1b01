import { createRuntime, type Runtime, ScriptedModel, signBody } from '@agentry/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { createServer } from './create-server.js';

const SECRET = 'whsec-server-test-0123456789';
const TOKENS = [
  { role: 'admin' as const, token: 'admin-token-0123456789abcdef' },
  { role: 'viewer' as const, token: 'viewer-token-0123456789abcdef' },
];
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
            { id: 'ticket', type: 'event', event: 'ticket.created', input: 'Triage {{payload.title}}' },
          ],
        },
      },
    },
    models: { m: new ScriptedModel({ script: ['done', 'done', 'done'] }) },
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
  const api = new OpenApiClient(server, TOKENS[0]?.token);
  return { runtime, server, post, api };
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

type Operation = {
  requestBody: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, unknown>;
  security?: unknown;
  'x-agentry-trigger': string;
};

describe('webhook endpoints in the OpenAPI document', () => {
  it("lists each configured trigger's path with its payload schema and answers; the document stays valid", async () => {
    const { server } = await setup();
    const response = await server.fetch(new Request('http://127.0.0.1/openapi.json'));
    const served = (await response.json()) as { paths: Record<string, { post?: Operation }> };
    expect((await new Validator().validate(served as never)).valid).toBe(true);
    const operation = served.paths['/hooks/github/push']?.post as Operation;
    expect(operation['x-agentry-trigger']).toBe('ci.push');
    expect(operation.security).toBeUndefined();
    expect(operation.requestBody.content['application/json'].schema).toMatchObject({
      required: ['repository', 'head_commit'],
    });
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '401', '422']),
    );
  });

  it('every answer of a delivery matches what the document says (202, 200, 401, 422)', async () => {
    const { api } = await setup();
    const deliver = (body: string, headers: Record<string, string>) =>
      api.withToken(undefined).call('POST', '/hooks/github/push', { rawBody: body, headers });
    expect((await deliver(good, signed(good, 'd-10'))).status).toBe(202);
    expect((await deliver(good, signed(good, 'd-10'))).status).toBe(200);
    expect((await deliver(good, { 'x-github-delivery': 'd-11' })).status).toBe(401);
    const bad = JSON.stringify({ repository: {}, head_commit: {} });
    expect((await deliver(bad, signed(bad, 'd-12'))).status).toBe(422);
  });
});

describe('POST /api/v1/events', () => {
  it('publishes a custom event: the answer says what was published and the event trigger starts its run', async () => {
    const { runtime, api } = await setup();
    const fired = new Promise<string>((resolve) => {
      runtime.events.on('trigger.fired', (event) => resolve(event.data.runId));
    });
    const published = await api.call<{ name: string; payload: unknown; publishedAt: string }>(
      'POST',
      '/api/v1/events',
      { body: { name: 'ticket.created', payload: { title: 'Printer on fire' } } },
    );
    expect(published.status).toBe(202);
    expect(published.body).toMatchObject({ name: 'ticket.created', payload: { title: 'Printer on fire' } });
    expect(Number.isNaN(Date.parse(published.body.publishedAt))).toBe(false);
    const record = await runtime.runs.get(await fired);
    expect(record?.input).toBe('Triage Printer on fire');
  });

  it("refuses the runtime's own event names with 422 naming the field, and needs the operator role", async () => {
    const { api } = await setup();
    const reserved = await api.call<{ error: { code: string; issues: { path: string }[] } }>(
      'POST',
      '/api/v1/events',
      { body: { name: 'run.completed', payload: {} } },
    );
    expect(reserved.status).toBe(422);
    expect(reserved.body.error.code).toBe('event.invalid');
    expect(reserved.body.error.issues[0]?.path).toBe('name');

    const missing = await api.call<{ error: { issues: { path: string }[] } }>('POST', '/api/v1/events', {
      body: { payload: {} },
      invalid: true,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.issues[0]?.path).toBe('name');

    const body = { body: { name: 'ticket.created' } };
    expect((await api.withToken(undefined).call('POST', '/api/v1/events', body)).status).toBe(401);
    expect((await api.withToken(TOKENS[1]?.token).call('POST', '/api/v1/events', body)).status).toBe(403);
  });
});
