import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isCloseable, type PluginDeps, type Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorCode, startSignal, testDeps } from './__fixtures__/test-deps.js';
import { McpToolSource } from './mcp-tool-source.js';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const stdioConfig = {
  server: 'fixture',
  command: process.execPath,
  args: [fixture('mcp-stdio-server.mjs')],
  prefix: 'fx_',
};
const opened: { close: () => Promise<void> }[] = [];

async function source(config: object, deps: PluginDeps = testDeps(process.cwd())): Promise<Tool[]> {
  const tools = (await McpToolSource.plugin.create(
    McpToolSource.plugin.configSchema.parse(config),
    deps,
  )) as Tool[];
  if (isCloseable(tools)) opened.push(tools);
  return tools;
}
const byName = (tools: Tool[], name: string) => tools.find((tool) => tool.name === name)!;
const call = (tool: Tool, input: unknown, signal?: AbortSignal) =>
  tool.execute(tool.input.parse(input), makeToolContext(signal ? { signal } : {}));

afterEach(async () => {
  for (const closeable of opened.splice(0)) await closeable.close();
});

describeToolConformance({
  name: 'mcp (stdio server tool)',
  create: async () => byName(await source(stdioConfig), 'fx_add'),
  validInput: { a: 1, b: 2 },
  invalidInput: { a: '1' },
  checkOutput: (output) => expect(output).toEqual({ sum: 3 }),
});

/** Tests here start MCP server processes: a ceiling for a loaded machine, not a timing check. */
const SPAWN_TIMEOUT_MS = 60_000;

describe('mcp over stdio', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('exposes each server tool as its own tool, with the server schema and hints', async () => {
    const tools = await source(stdioConfig);
    expect(tools.map((tool) => tool.name)).toEqual(['fx_add', 'fx_echo', 'fx_fail', 'fx_wait', 'fx_crash']);
    const add = byName(tools, 'fx_add');
    expect(add.inputJsonSchema).toMatchObject({
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'number' } },
    });
    expect(z.toJSONSchema(add.input, { io: 'input' })).toMatchObject({
      properties: { a: { type: 'number', description: 'first addend' } },
      required: ['a', 'b'],
    });
    expect(add.input.safeParse({ a: 'x', b: 1 }).success).toBe(false);
    expect([add.sideEffects, add.approval]).toEqual(['none', 'never']);
    const echo = byName(tools, 'fx_echo');
    expect([echo.sideEffects, echo.approval]).toEqual(['unsafe', 'always']);
    expect(await call(echo, { text: 'hi', shout: true })).toBe('HI');
  });

  it('honours the allow-list and names unknown server tools', async () => {
    expect((await source({ ...stdioConfig, tools: ['echo'] })).map((tool) => tool.name)).toEqual(['fx_echo']);
    await expect(source({ ...stdioConfig, tools: ['echo', 'nope'] })).rejects.toMatchObject({
      code: 'config.invalid',
      message: expect.stringContaining('"nope"'),
      hint: expect.stringContaining('add, echo'),
    });
  });

  it('turns a tool error into tool.failed and an aborted call into a rejection', async () => {
    const tools = await source(stdioConfig);
    await expect(call(byName(tools, 'fx_fail'), { reason: 'x' })).rejects.toMatchObject({
      code: 'tool.failed',
      retryable: false,
      message: expect.stringContaining('failed on purpose: x'),
    });
    const signal = await startSignal();
    const controller = new AbortController();
    const pending = call(
      byName(tools, 'fx_wait'),
      { ms: 600_000, startedPort: signal.port },
      controller.signal,
    );
    await signal.started;
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toMatchObject({ message: expect.stringContaining('aborted') });
    signal.close();
    expect(await call(byName(tools, 'fx_add'), { a: 2, b: 2 })).toEqual({ sum: 4 });
  });

  it('a server crash is a retryable tool.failed naming the server; the next call starts it again', async () => {
    const tools = await source(stdioConfig);
    await expect(call(byName(tools, 'fx_crash'), {})).rejects.toMatchObject({
      code: 'tool.failed',
      retryable: true,
      message: expect.stringContaining('MCP server "fixture"'),
    });
    expect(await call(byName(tools, 'fx_add'), { a: 1, b: 1 })).toEqual({ sum: 2 });
  });

  it('pools one connection per runtime and closes it with the last user', async () => {
    const deps = testDeps(process.cwd(), {});
    const first = await source(stdioConfig, deps);
    const second = await source({ ...stdioConfig, tools: ['add'] }, deps);
    const connectionOf = (tool: Tool) =>
      (tool as unknown as { source: { connection: unknown } }).source.connection;
    expect(connectionOf(first[0]!)).toBe(connectionOf(second[0]!));
    await (first as unknown as { close: () => Promise<void> }).close();
    expect(await call(byName(second, 'fx_add'), { a: 3, b: 4 })).toEqual({ sum: 7 });
    await (second[0] as unknown as { close: () => Promise<void> }).close();
    expect(await errorCode(call(byName(second, 'fx_add'), { a: 3, b: 4 }))).toBe('tool.failed');
    const other = await source(stdioConfig, testDeps(process.cwd(), {}));
    expect(connectionOf(other[0]!)).not.toBe(connectionOf(first[0]!));
  });

  it('rejects a config with both or neither of command and url', () => {
    expect(McpToolSource.plugin.configSchema.safeParse({}).success).toBe(false);
    expect(McpToolSource.plugin.configSchema.safeParse({ command: 'x', url: 'http://x' }).success).toBe(
      false,
    );
  });
});

describe('mcp over streamable HTTP', { timeout: SPAWN_TIMEOUT_MS }, () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, [fixture('mcp-http-server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /PORT (\d+)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    url = `http://127.0.0.1:${port}/mcp`;
  });
  afterAll(() => {
    child.kill();
  });

  it('lists and calls tools with the configured headers, registering the token as a secret', async () => {
    const deps = testDeps(process.cwd());
    const tools = await source({ server: 'web', url, headers: { 'x-fixture-token': 'secret-token' } }, deps);
    expect(tools.map((tool) => tool.name)).toEqual(['add', 'echo', 'fail', 'wait', 'crash']);
    expect(await call(byName(tools, 'add'), { a: 20, b: 22 })).toEqual({ sum: 42 });
    expect(deps.secrets).toContain('secret-token');
  });

  it('fails to connect with a clear error when the server refuses', async () => {
    await expect(source({ server: 'web', url })).rejects.toMatchObject({
      code: 'tool.failed',
      message: expect.stringContaining('MCP server "web": could not connect'),
    });
  });

  it('a dead server becomes a retryable tool.failed naming it', async () => {
    const tools = await source({ server: 'web', url, headers: { 'x-fixture-token': 'secret-token' } });
    child.kill();
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(call(byName(tools, 'echo'), { text: 'x' })).rejects.toMatchObject({
      code: 'tool.failed',
      retryable: true,
      message: expect.stringContaining('MCP server "web"'),
    });
  });
});
