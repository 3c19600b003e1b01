/** What a user reads when a config is wrong or a service is down: messages, hints and where they are filed. */
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function project(files: Record<string, string>): string {
  const scratch = scratchDir(files);
  cleanups.push(scratch.remove);
  return scratch.dir;
}

const MODELS = 'models:\n  demo: { provider: scripted, script: ["Hello"] }\n';

describe('config messages', () => {
  it('a missing version says it is required and what to write', async () => {
    const cwd = project({ 'agentry.yaml': `store: memory\n${MODELS}agents:\n  a: { model: demo }\n` });
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('version is required (use 1)');
    expect(result.stderr).not.toContain('undefined');
  });

  it('a YAML syntax error points at the YAML, not at `agentry schema`', async () => {
    const cwd = project({ 'agentry.yaml': 'version: 1\nagents:\n  a: { model: [demo\n' });
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[config.syntax]');
    expect(result.stderr).toContain('fix the YAML at the listed lines');
    expect(result.stderr).not.toContain('agentry schema');
  });

  it("a builtin tool's approval set on the slot and in its config is an error at the config key", async () => {
    const cwd = project({
      'agentry.yaml': `version: 1\n${MODELS}agents:\n  a:\n    model: demo\n    tools:\n      - { type: write-file, approval: always, config: { root: ., approval: never } }\n`,
    });
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /agentry\.yaml:8:\d+ {2}agents\.a\.tools\[0\]\.config\.approval\n *`approval` is set twice/,
    );
  });

  it('`agentry plugins <name>` is suggested for a builtin config error only, not for an impl', async () => {
    const plugin = `import { definePlugin } from '@agentry/core';
import { z } from 'zod';
export const mine = definePlugin({
  kind: 'memory', name: 'mine', specVersion: 1,
  configSchema: z.strictObject({ size: z.number() }),
  create: () => ({ kind: 'memory', specVersion: 1, name: 'mine', inject: () => [], writeback: () => {} }),
});
`;
    const config = (memory: string) =>
      `version: 1\nstore: memory\n${MODELS}agents:\n  a: { model: demo, memory: ${memory} }\n`;
    const cwd = project({
      'impl.yaml': config('{ impl: ./mine.ts#mine, config: { sise: 3 } }'),
      'builtin.yaml': config('{ type: window, config: { maxMesages: 3 } }'),
      'mine.ts': plugin,
    });
    const impl = await cli(['run', 'a', 'hi', '--config', 'impl.yaml'], { cwd });
    expect(impl.code).toBe(2);
    expect(impl.stderr).toContain('config of mine is invalid');
    expect(impl.stderr).toContain("the plugin's configSchema says what it accepts");
    expect(impl.stderr).not.toContain('agentry plugins');
    const builtin = await cli(['run', 'a', 'hi', '--config', 'builtin.yaml'], { cwd });
    expect(builtin.stderr).toContain('`agentry plugins window` shows its config');
  });
});

describe('agentry doctor with an unreachable Redis event bus', () => {
  it('files it under events and shows the URL with only the password redacted', async () => {
    const cwd = project({
      'agentry.yaml': `version: 1\nstore: memory\nevents: { type: redis, config: { url: "redis://agent:hunter2pass@127.0.0.1:1/0" } }\n${MODELS}agents:\n  a: { model: demo }\n`,
    });
    const result = await cli(['doctor', '--json'], { cwd });
    expect(result.code).not.toBe(0);
    const checks = (
      JSON.parse(result.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks;
    const events = checks.find((check) => check.name === 'events');
    expect(events?.status).toBe('fail');
    expect(events?.detail).toContain('redis://127.0.0.1:1/0');
    expect(events?.detail).toMatch(/^events \([^)]*agentry\.yaml:3:\d+\)/);
    expect(result.stdout).not.toContain('hunter2pass');
    expect(checks.some((check) => check.name === 'store' && check.status === 'fail')).toBe(false);
  });
});
