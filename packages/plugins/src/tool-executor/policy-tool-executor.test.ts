import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NextExecutor, ToolExecution, ToolExecutor } from '@agentry/core';
import { describeToolExecutorConformance, makeToolContext } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testDeps } from '../tool/__fixtures__/test-deps.js';
import { PolicyToolExecutor } from './policy-tool-executor.js';

let base: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  base = await tempDir('policy');
  await mkdir(path.join(base.path, 'work', 'docs'), { recursive: true });
  await mkdir(path.join(base.path, 'shared'));
  await writeFile(path.join(base.path, 'secret.txt'), 'secret');
  await symlink('../secret.txt', path.join(base.path, 'work', 'escape'));
});
afterAll(() => base.remove());

async function policy(config: object): Promise<ToolExecutor> {
  const plugin = PolicyToolExecutor.plugin;
  return plugin.create(plugin.configSchema.parse(config), testDeps(base.path));
}

describeToolExecutorConformance({
  name: 'policy',
  create: () => policy({ roots: ['work'], network: { allowHosts: ['example.com'] } }),
});

const call = (tool: string, input: unknown): ToolExecution => ({
  tool: { name: tool } as never,
  input,
  context: makeToolContext(),
});
let reached = 0;
const next: NextExecutor = async () => {
  reached += 1;
  return { ok: true, output: 'ran' };
};
async function verdict(executor: ToolExecutor, tool: string, input: unknown): Promise<string> {
  const before = reached;
  const outcome = await executor.execute(call(tool, input), next);
  if (outcome.ok) return reached === before + 1 ? 'ran' : 'ok without next';
  return reached === before ? outcome.error.code : `${outcome.error.code} after next`;
}

describe('policy executor', () => {
  it('allows and denies tools by name and glob; deny wins', async () => {
    const executor = await policy({ tools: { allow: ['read-*', 'calc'], deny: ['read-secrets'] } });
    expect(await verdict(executor, 'read-file', {})).toBe('ran');
    expect(await verdict(executor, 'calc', {})).toBe('ran');
    expect(await verdict(executor, 'shell', {})).toBe('tool.policy_denied');
    expect(await verdict(executor, 'read-secrets', {})).toBe('tool.policy_denied');
  });

  it('checks path-like fields at any depth, in arrays too, against every root', async () => {
    const executor = await policy({ roots: ['work', 'shared'] });
    expect(await verdict(executor, 't', { path: 'docs/new.txt' })).toBe('ran');
    expect(await verdict(executor, 't', { path: path.join(base.path, 'shared', 'x') })).toBe('ran');
    expect(await verdict(executor, 't', { path: '../secret.txt' })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { file: 'escape' })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { options: { cwd: '/etc' } })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { paths: ['docs/a', '%2e%2e/secret.txt'] })).toBe(
      'tool.policy_denied',
    );
    expect(await verdict(executor, 't', { text: '../secret.txt' })).toBe('ran');
  });

  it('checks the configured field names instead of the defaults', async () => {
    const executor = await policy({ roots: ['work'], pathFields: ['target'] });
    expect(await verdict(executor, 't', { target: '/etc/passwd' })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { path: '/etc/passwd' })).toBe('ran');
  });

  it('checks URL-like fields against hosts, schemes and private networks', async () => {
    const executor = await policy({ network: { allowHosts: ['8.8.8.8', '*.example.com'] } });
    expect(await verdict(executor, 't', { url: 'https://8.8.8.8/dns' })).toBe('ran');
    expect(await verdict(executor, 't', { url: 'https://evil.test/' })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { url: 'file:///etc/passwd' })).toBe('tool.policy_denied');
    expect(await verdict(executor, 't', { request: { endpoint: 'http://10.0.0.1/' } })).toBe(
      'tool.policy_denied',
    );
    const open = await policy({ network: { allowHosts: ['*'] } });
    expect(await verdict(open, 't', { url: 'http://169.254.169.254/latest/meta-data/' })).toBe(
      'tool.policy_denied',
    );
    expect(await verdict(open, 't', { url: 'http://localhost:8080/' })).toBe('tool.policy_denied');
  });

  it('tells the model what to do in the denial', async () => {
    const executor = await policy({ roots: ['work'] });
    const outcome = await executor.execute(call('read-file', { path: '../secret.txt' }), next);
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: 'tool.policy_denied',
        retryable: false,
        message: expect.stringContaining('".." segments'),
        hint: expect.any(String),
      },
    });
  });

  it('fails to create when a root does not exist, and refuses unknown keys', async () => {
    await expect(policy({ roots: ['missing'] })).rejects.toMatchObject({ code: 'config.invalid' });
    expect(PolicyToolExecutor.plugin.configSchema.safeParse({ root: 'x' }).success).toBe(false);
  });
});
