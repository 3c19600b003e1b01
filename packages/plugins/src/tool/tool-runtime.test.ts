/** Builtin tools and executors loaded by name through `createRuntime`, driven by a scripted model. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/test-deps.js';

let base: { path: string; remove: () => Promise<void> };
const fixture = fileURLToPath(new URL('./__fixtures__/mcp-stdio-server.mjs', import.meta.url));

beforeAll(async () => {
  base = await tempDir('runtime');
  await mkdir(path.join(base.path, 'ws'));
  await writeFile(path.join(base.path, 'ws', 'a.txt'), 'inside the workspace');
  await writeFile(path.join(base.path, 'secret.txt'), 'do not read');
});
afterAll(() => base.remove());

describe('tools in a runtime', () => {
  it('loads builtin tools and executors by name; the model gets results, an MCP tool and a policy refusal', async () => {
    const runtime = await createRuntime({
      cwd: base.path,
      config: {
        version: 1,
        models: {
          demo: {
            provider: 'scripted',
            script: [
              {
                toolCalls: [
                  { tool: 'read-file', input: { path: 'a.txt' } },
                  { tool: 'fx_add', input: { a: 2, b: 3 } },
                  { tool: 'read-file', input: { path: '../secret.txt' } },
                  { tool: 'calc', input: { expression: '6 * 7' } },
                ],
              },
              'done',
            ],
          },
        },
        agents: {
          helper: {
            model: 'demo',
            toolExecutor: [
              { type: 'policy', config: { roots: ['./ws'] } },
              { type: 'timeout', config: { defaultMs: 10_000 } },
              { type: 'retrying', config: { attempts: 2, baseDelayMs: 1 } },
            ],
            tools: [
              { type: 'read-file', config: { root: './ws' } },
              'calc',
              {
                type: 'mcp',
                config: { command: process.execPath, args: [fixture], prefix: 'fx_', tools: ['add'] },
              },
            ],
          },
        },
      },
    });
    try {
      const result = await runtime.run({ agent: 'helper', input: 'go' });
      expect(result).toMatchObject({ status: 'completed', output: 'done', usage: { toolCalls: 4 } });
      const events = await runtime.runs.events(result.runId);
      const outcomes = events
        .filter((event) => event.type === 'tool.succeeded' || event.type === 'tool.failed')
        .map((event) => {
          const data = event.data as { tool: string; error?: { code: string } };
          return `${data.tool}: ${data.error?.code ?? 'ok'}`;
        })
        .sort();
      expect(outcomes).toEqual(['calc: ok', 'fx_add: ok', 'read-file: ok', 'read-file: tool.policy_denied']);
    } finally {
      await runtime.close();
    }
  });
});
