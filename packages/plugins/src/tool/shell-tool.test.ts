import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startSignal, tempDir, testDeps } from './__fixtures__/test-deps.js';
import { ShellTool } from './shell-tool.js';

let base: { path: string; remove: () => Promise<void> };
const node = process.execPath;

beforeAll(async () => {
  base = await tempDir('shell');
  await mkdir(path.join(base.path, 'work', 'sub'), { recursive: true });
});
afterAll(() => base.remove());

async function shell(config: object = {}): Promise<Tool> {
  const parsed = ShellTool.plugin.configSchema.parse({
    root: 'work',
    allowCommands: ['echo', node],
    ...config,
  });
  return (await ShellTool.plugin.create(parsed, testDeps(base.path))) as Tool;
}
const run = async (tool: Tool, input: object, signal?: AbortSignal) =>
  (await tool.execute(tool.input.parse(input), makeToolContext(signal ? { signal } : {}))) as Record<
    string,
    unknown
  >;

describeToolConformance({
  name: 'shell',
  create: () => shell(),
  validInput: { command: 'echo', args: ['hi'] },
  invalidInput: { command: 'echo', args: 'hi' },
});

describe('shell', () => {
  it('is unsafe and asks for approval by default', async () => {
    const tool = await shell();
    expect(tool.sideEffects).toBe('unsafe');
    expect(tool.approval).toBe('always');
  });

  it('passes arguments verbatim, without any shell interpretation', async () => {
    const output = await run(await shell(), {
      command: 'echo',
      args: ['$(whoami);', 'rm -rf /', '*', '&&', '`id`'],
    });
    expect(output).toMatchObject({ exitCode: 0, stdout: '$(whoami); rm -rf / * && `id`\n' });
  });

  it('refuses commands that are not allowlisted, shell syntax in the command, and cwd outside the root', async () => {
    const tool = await shell();
    expect(await errorCode(run(tool, { command: 'sh', args: ['-c', 'id'] }))).toBe('tool.policy_denied');
    expect(await errorCode(run(tool, { command: 'echo hi && id' }))).toBe('tool.policy_denied');
    expect(await errorCode(run(tool, { command: 'echo', cwd: '..' }))).toBe('tool.policy_denied');
    expect(await errorCode(run(tool, { command: 'echo', cwd: base.path }))).toBe('tool.policy_denied');
  });

  it('runs in a cwd below the root and reports non-zero exit codes as output', async () => {
    const tool = await shell();
    const cwd = await run(tool, { command: node, args: ['-e', 'console.log(process.cwd())'], cwd: 'sub' });
    expect(cwd.stdout).toBe(`${path.join(base.path, 'work', 'sub')}\n`);
    expect(await run(tool, { command: node, args: ['-e', 'process.exit(3)'] })).toMatchObject({
      exitCode: 3,
    });
  });

  it('does not leak the parent environment, only PATH/HOME/LANG and configured variables', async () => {
    process.env.AGENTRY_TEST_SECRET = 'do-not-leak';
    const tool = await shell({ env: { GREETING: 'hello' } });
    const output = await run(tool, {
      command: node,
      args: ['-e', 'console.log(process.env.AGENTRY_TEST_SECRET ?? "unset", process.env.GREETING)'],
    });
    expect(output.stdout).toBe('unset hello\n');
    delete process.env.AGENTRY_TEST_SECRET;
  });

  it('caps output, kills on timeout, and kills on abort', async () => {
    const capped = await run(await shell({ maxOutputBytes: 1000 }), {
      command: node,
      args: ['-e', 'process.stdout.write("x".repeat(100000))'],
    });
    expect(capped.truncated).toBe(true);
    expect((capped.stdout as string).length).toBeLessThanOrEqual(1000);
    const slow = { command: node, args: ['-e', 'setTimeout(() => {}, 600000)'] };
    expect(await errorCode(run(await shell({ timeoutMs: 300 }), slow))).toBe('tool.timeout');
    // The command connects to `signal` once running, so the abort lands on a live process.
    const signal = await startSignal();
    const controller = new AbortController();
    const running = {
      command: node,
      args: ['-e', `require("net").connect(${signal.port}, "127.0.0.1"); setTimeout(() => {}, 600000)`],
    };
    const pending = run(await shell(), running, controller.signal);
    await signal.started;
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toMatchObject({
      code: 'tool.failed',
      message: expect.stringContaining('aborted'),
    });
    signal.close();
  });

  it('reports a program that is not installed', async () => {
    expect(
      await errorCode(
        run(await shell({ allowCommands: ['agentry-no-such-program'] }), {
          command: 'agentry-no-such-program',
        }),
      ),
    ).toBe('tool.failed');
  });
});
