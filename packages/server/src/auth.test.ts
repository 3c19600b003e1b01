import type { Runtime } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { noteRuntime } from './__fixtures__/test-runtime.js';
import { type ApiToken, ROLES, type Role, TokenTable, tokensFromEnv } from './auth.js';
import { createServer } from './create-server.js';
import { isLoopback, listen } from './listen.js';

const TOKENS: ApiToken[] = ROLES.map((role) => ({ role, token: `${role}-token-0123456789abcdef` }));
const token = (role: Role): string => `${role}-token-0123456789abcdef`;

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function setup(rateLimit = 10_000) {
  const { runtime } = await noteRuntime();
  opened.push(runtime);
  const server = createServer(runtime, { tokens: TOKENS, rateLimit: { limit: rateLimit } });
  return { server, api: new OpenApiClient(server) };
}

/** Fills `{param}` with values that exist or not; the role check comes before any lookup. */
const concrete = (template: string): string =>
  template.replace('{runId}', 'run-1').replace('{callId}', 'call-1').replace('{agentId}', 'writer');

// Every endpoint, three ways: a ceiling for a loaded machine, not a timing check.
describe('bearer tokens and roles', { timeout: 60_000 }, () => {
  it('refuses every guarded endpoint without a token, with a wrong token, and with a too-low role', async () => {
    const { server, api } = await setup();
    const document = server.openapi() as {
      paths: Record<string, Record<string, { 'x-agentry-role'?: Role }>>;
    };
    let guarded = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const role = operation['x-agentry-role'];
        const path = concrete(template);
        if (!role) {
          expect(['/healthz', '/readyz'], `${method} ${template} has no role`).toContain(template);
          continue;
        }
        guarded += 1;
        const none = await api.call<{ error: { code: string } }>(method, path);
        expect(none.status, `${method} ${template} without a token`).toBe(401);
        const wrong = await api.withToken('not-a-token-of-this-server').call(method, path);
        expect(wrong.status, `${method} ${template} with a wrong token`).toBe(401);
        for (const lower of ROLES.slice(0, ROLES.indexOf(role))) {
          const low = await api.withToken(token(lower)).call<{ error: { code: string } }>(method, path);
          expect(low.status, `${method} ${template} as ${lower}`).toBe(403);
          expect(low.body.error.code).toBe('auth.forbidden');
        }
        const allowed = await api.withToken(token(role)).call(method, path, { headers: {} });
        expect([401, 403], `${method} ${template} as ${role}`).not.toContain(allowed.status);
      }
    }
    expect(guarded).toBeGreaterThanOrEqual(14);
  });

  it('lets a viewer read but not decide, and tells the console its role', async () => {
    const { api } = await setup();
    const viewer = api.withToken(token('viewer'));
    expect((await viewer.call<{ role: string; auth: string }>('GET', '/api/v1/me')).body).toEqual({
      role: 'viewer',
      auth: 'token',
    });
    expect((await viewer.call('GET', '/api/v1/runs')).status).toBe(200);
    const decide = await viewer.call('POST', '/api/v1/approvals/run-1/call-1', {
      body: { decision: 'approve', inputHash: 'x' },
    });
    expect(decide.status).toBe(403);
  });

  it('rate-limits requests without a valid token per address, with Retry-After', async () => {
    const { api } = await setup(3);
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await api.call('GET', '/api/v1/runs')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await api.call('GET', '/healthz');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.withToken(token('viewer')).call('GET', '/api/v1/runs')).status).toBe(200);
  });

  it('refuses request bodies over the limit', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const server = createServer(runtime, { bodyLimitBytes: 200 });
    const api = new OpenApiClient(server);
    const big = await api.call<{ error: { code: string } }>('POST', '/api/v1/runs', {
      body: { agent: 'writer', input: 'x'.repeat(500) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('request.too_large');
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const { server } = await setup();
    const preflight = await server.fetch(
      new Request('http://127.0.0.1/api/v1/runs', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses to listen beyond loopback without tokens', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const server = createServer(runtime);
    await expect(listen(server, { host: '0.0.0.0', port: 0, hasTokens: false })).rejects.toThrow(
      /AGENTRY_SERVER_TOKENS/,
    );
    const local = await listen(server, { host: '127.0.0.1', port: 0, hasTokens: false });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await local.close();
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('192.168.1.4')).toBe(false);
  });

  it('reads role:token pairs from the environment and refuses short tokens', () => {
    expect(tokensFromEnv('admin:ops:0123456789abcdef0,viewer:fedcba98765432100')).toEqual([
      { role: 'admin', name: 'ops', token: '0123456789abcdef0' },
      { role: 'viewer', token: 'fedcba98765432100' },
    ]);
    expect(() => tokensFromEnv('root:abc')).toThrow(/role:token/);
    expect(() => new TokenTable([{ role: 'admin', token: 'short' }])).toThrow(/at least 16/);
  });
});
