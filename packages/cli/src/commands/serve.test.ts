/** `agentry serve` as a real process: tokens from the config's `server.tokens`, refusing a public address without tokens. */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, quickstartCopy, SPAWN_TEST_TIMEOUT_MS, spawnCli } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('agentry serve', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('takes tokens with roles from server.tokens in the config, values from the environment', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const config = path.join(scratch.dir, 'agentry.yaml');
    const envRef = ['$', '{env:CONSOLE_VIEWER_TOKEN}'].join('');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}\nserver:\n  tokens:\n    - { role: viewer, token: ${envRef} }\n`,
    );
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: scratch.dir,
      env: { ...process.env, NO_COLOR: '1', CONSOLE_VIEWER_TOKEN: 'viewer-from-config-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let url: string | undefined;
    for (let attempt = 0; attempt < 600 && !url; attempt += 1) {
      url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url, output).toBeDefined();
    expect(output).not.toContain('viewer-from-config-0123456789');
    expect((await fetch(`${url}/api/v1/runs`)).status).toBe(401);
    const me = await fetch(`${url}/api/v1/me`, {
      headers: { authorization: 'Bearer viewer-from-config-0123456789' },
    });
    expect(await me.json()).toEqual({ role: 'viewer', auth: 'token' });
  });

  it('refuses to listen beyond loopback without tokens, and says how to set them', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const result = await spawnCli(['serve', '--host', '0.0.0.0', '--port', '0'], { cwd: scratch.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AGENTRY_SERVER_TOKENS');
  });
});
