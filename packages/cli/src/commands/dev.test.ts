/** `agentry dev` as a real process: a config edit reloads the runtime, a broken edit keeps serving and reports file:line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, quickstartCopy, SPAWN_TEST_TIMEOUT_MS } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startDev(dir: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  });
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (match?.[1]) return { url: match[1], child, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`agentry dev printed no URL:\n${output}`);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 400 && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe('agentry dev', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('reloads on a config edit, survives a broken edit with file:line in the terminal and the API, and recovers', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const config = path.join(scratch.dir, 'agentry.yaml');
    const original = readFileSync(config, 'utf8');
    const dev = await startDev(scratch.dir);
    const agents = async () =>
      ((await (await fetch(`${dev.url}/api/v1/agents`)).json()) as { agents: { id: string }[] }).agents.map(
        (agent) => agent.id,
      );
    const me = async () => (await (await fetch(`${dev.url}/api/v1/me`)).json()) as { configError?: string };
    expect(await agents()).toEqual(['assistant']);

    const withReviewer = `${original}\n  reviewer:\n    model: demo\n    instructions: You review.\n`;
    writeFileSync(config, withReviewer);
    expect(await until(agents, (ids) => ids.includes('reviewer'))).toEqual(['assistant', 'reviewer']);

    writeFileSync(
      config,
      withReviewer.replace('    instructions: You review.', '    instructons: You review.'),
    );
    const broken = await until(me, (answer) => answer.configError !== undefined);
    expect(broken.configError).toMatch(/agentry\.yaml:\d+:\d+/);
    expect(broken.configError).toContain('instructons');
    expect(await agents()).toEqual(['assistant', 'reviewer']);
    expect(dev.output()).toContain('still serving the last good config');

    writeFileSync(config, original);
    expect(await until(agents, (ids) => !ids.includes('reviewer'))).toEqual(['assistant']);
    expect((await me()).configError).toBeUndefined();
    expect(dev.child.exitCode).toBeNull();
  });
});
