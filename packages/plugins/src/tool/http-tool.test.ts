import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from './__fixtures__/test-deps.js';
import { HttpTool } from './http-tool.js';

let server: http.Server;
let origin: string;
const received: { method: string; url: string; body: string; authorization?: string }[] = [];
/** Called when a request to /hang arrives: tells a test that its request is in flight. */
let onHang = (): void => undefined;
const hangArrived = () => new Promise<void>((resolve) => (onHang = resolve));

beforeAll(async () => {
  server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://x');
    received.push({
      method: request.method ?? '',
      url: url.pathname,
      body: Buffer.concat(chunks).toString('utf8'),
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    if (url.pathname === '/json')
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
    else if (url.pathname === '/big') response.end('y'.repeat(100_000));
    else if (url.pathname === '/hang') {
      response.writeHead(200).write('partial');
      onHang();
    } else if (url.pathname === '/loop') response.writeHead(302, { location: '/loop' }).end();
    else if (url.pathname === '/see-other') response.writeHead(303, { location: '/json' }).end();
    else if (url.pathname === '/hop')
      response.writeHead(301, { location: `${url.searchParams.get('to')}` }).end();
    else if (url.pathname === '/binary')
      response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0, 1, 2, 255]));
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function tool(config: object = {}): HttpTool {
  return new HttpTool(
    HttpTool.plugin.configSchema.parse({
      allowHosts: [new URL(origin).host],
      allowPrivate: ['127.0.0.1'],
      ...config,
    }),
  );
}
const run = (target: HttpTool, input: object, signal?: AbortSignal) =>
  target.execute(target.input.parse(input), makeToolContext(signal ? { signal } : {}));

describeToolConformance({
  name: 'http',
  create: () => tool() as unknown as Tool,
  // A getter: the server's port is known only once it listens.
  get validInput() {
    return { url: `${origin}/json` };
  },
  invalidInput: { url: 'http://x', method: 'TRACE' },
  destroy: () => undefined,
});

describe('http', () => {
  it('GETs JSON from an allowed host and reports status, headers and body', async () => {
    const output = await run(tool(), { url: `${origin}/json` });
    expect(output).toMatchObject({
      status: 200,
      body: '{"hello":"world"}',
      bodyEncoding: 'utf8',
      truncated: false,
    });
    expect((output.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(await run(tool(), { url: `${origin}/binary` })).toMatchObject({
      body: 'AAEC/w==',
      bodyEncoding: 'base64',
    });
  });

  it('needs approval for methods with side effects only, unless configured', () => {
    const target = tool();
    const approval = target.approval as (input: unknown) => boolean;
    expect(approval(target.input.parse({ url: origin }))).toBe(false);
    expect(approval(target.input.parse({ url: origin, method: 'HEAD' }))).toBe(false);
    expect(approval(target.input.parse({ url: origin, method: 'POST' }))).toBe(true);
    expect(target.sideEffects).toBe('unsafe');
    expect(tool({ methods: ['GET', 'HEAD'] }).sideEffects).toBe('none');
    expect(tool({ approval: 'never' }).approval).toBe('never');
  });

  it('refuses methods outside the configured list, Host headers and header injection', async () => {
    expect(await errorCode(run(tool({ methods: ['GET'] }), { url: origin, method: 'DELETE' }))).toBe(
      'tool.policy_denied',
    );
    expect(await errorCode(run(tool(), { url: origin, headers: { Host: 'evil' } }))).toBe(
      'tool.policy_denied',
    );
    expect(await errorCode(run(tool(), { url: origin, headers: { 'x-a': 'b\r\nx-c: d' } }))).toBe(
      'tool.policy_denied',
    );
  });

  it('follows redirects (303 turns POST into GET) and stops after maxRedirects', async () => {
    received.length = 0;
    const output = await run(tool(), { url: `${origin}/see-other`, method: 'POST', body: 'data' });
    expect(output).toMatchObject({ status: 200, method: 'GET', redirects: [`${origin}/json`] });
    expect(received.map((entry) => `${entry.method} ${entry.url}`)).toEqual(['POST /see-other', 'GET /json']);
    await expect(run(tool({ maxRedirects: 3 }), { url: `${origin}/loop` })).rejects.toMatchObject({
      code: 'tool.failed',
      message: expect.stringContaining('more than 3 redirects'),
    });
  });

  it('refuses a redirect to a host that is not allowed, without contacting it', async () => {
    const target = `${origin}/hop?to=${encodeURIComponent('http://localhost:1/secret')}`;
    await expect(run(tool(), { url: target })).rejects.toMatchObject({ code: 'tool.policy_denied' });
  });

  it('cuts large bodies at maxResponseBytes', async () => {
    const output = await run(tool({ maxResponseBytes: 1000 }), { url: `${origin}/big` });
    expect(output).toMatchObject({ truncated: true });
    expect((output.body as string).length).toBe(1000);
  });

  it('times out with a retryable tool.timeout, and rejects when the run aborts', async () => {
    await expect(run(tool({ timeoutMs: 200 }), { url: `${origin}/hang` })).rejects.toMatchObject({
      code: 'tool.timeout',
      retryable: true,
    });
    const controller = new AbortController();
    const arrived = hangArrived();
    const pending = run(tool(), { url: `${origin}/hang` }, controller.signal);
    await arrived;
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toMatchObject({ message: expect.stringContaining('aborted') });
  });

  it('needs allowHosts in config', () => {
    expect(HttpTool.plugin.configSchema.safeParse({}).success).toBe(false);
    expect(HttpTool.plugin.configSchema.safeParse({ allowHosts: [] }).success).toBe(false);
  });
});
