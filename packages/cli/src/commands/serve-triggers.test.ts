/** `agentry serve` as a real process runs the config's triggers: a signed webhook starts a run, a forged one nothing. */
import { spawn } from 'node:child_process';
import { signBody } from '@agentry/core';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, SPAWN_TEST_TIMEOUT_MS, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = 'whsec-serve-test-0123456789';
const TOKEN = 'admin-serve-test-0123456789abcdef';
const CONFIG = `version: 1
store: memory
models:
  m: { provider: scripted, script: [Summarised.] }
agents:
  ci:
    model: m
    triggers:
      - id: push
        type: webhook
        path: github/push
        signature: { format: github, secretEnv: GH_SECRET }
        idempotencyKey: { header: X-GitHub-Delivery }
        input: "Summarise {{payload.head_commit.message}}"
`;

describe('agentry serve with triggers', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('serves webhooks at /hooks/<path>: 202 and a run for a signed delivery, 401 and nothing for a forged one', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: scratch.dir,
      env: {
        PATH: process.env.PATH,
        NO_COLOR: '1',
        GH_SECRET: SECRET,
        AGENTRY_SERVER_TOKENS: `admin:${TOKEN}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let url: string | undefined;
    for (let attempt = 0; attempt < 600 && !url; attempt += 1) {
      url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url, output).toBeDefined();
    expect(output).toContain('triggers: ci.push');
    const body = JSON.stringify({ head_commit: { message: 'Fix CI' } });
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/hooks/github/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const api = (path: string) =>
      fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

    const forged = await post({
      ...signBody({ format: 'github', secret: 'guess' }, body),
      'x-github-delivery': 'a',
    });
    expect(forged.status).toBe(401);
    const listed = (await (await api('/runs')).json()) as { runs: unknown[] };
    expect(listed.runs).toEqual([]);

    const accepted = await post({
      ...signBody({ format: 'github', secret: SECRET }, body),
      'x-github-delivery': 'b',
    });
    expect(accepted.status).toBe(202);
    const { runId } = (await accepted.json()) as { runId: string };
    let status = '';
    for (let attempt = 0; attempt < 200 && status !== 'completed'; attempt += 1) {
      const run = (await (await api(`/runs/${runId}`)).json()) as {
        status?: string;
        run?: { status: string };
      };
      status = run.status ?? run.run?.status ?? '';
      if (status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('completed');
  });
});
