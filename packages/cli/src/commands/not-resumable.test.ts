/** A suspended run that another process could not resume gets a way forward, not `agentry resume` commands that fail. */

import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_DIR, cli, scratchDir } from '../__fixtures__/cli-harness.js';
import { persistentStore } from '../open-runtime.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** One gated write, then a final answer. */
function gatedConfig(store: string, durable: boolean): string {
  return `version: 1
store: ${store}
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: write-file, input: { path: out.md, content: hi } }]
      - Done.
agents:
  writer:
    model: demo
    durable: ${durable}
    tools:
      - { type: write-file, config: { root: ./workspace, approval: always } }
`;
}

function project(config: string): string {
  const scratch = scratchDir({ 'agentry.yaml': config, 'workspace/.keep': '' });
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('suspension of a run that cannot be resumed later', () => {
  it('non-durable run: exit 3, says to start it with --durable, prints no resume command', async () => {
    const cwd = project(gatedConfig('sqlite', false));
    const result = await cli(['run', 'writer', 'write it'], { cwd });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Waiting on 1 call(s)');
    expect(result.stderr).toContain('start them with --durable (or set `durable: true` on the agent)');
    expect(result.stderr).not.toContain('agentry resume');

    const json = await cli(['run', 'writer', 'write it', '--json'], { cwd });
    expect(json.code).toBe(3);
    const document = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({ status: 'suspended', resumable: false });
    expect(document.resumeCommands).toBeUndefined();
    expect(document.resumeHint).toContain('--durable');

    const shown = await cli(['runs', 'show', document.runId as string], { cwd });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('pending');
    expect(shown.stdout).toContain('--durable');
    expect(shown.stdout).not.toContain('agentry resume');
  });

  it('in-memory store: exit 3 and says to configure a persistent store, even for a durable run', async () => {
    const cwd = project(gatedConfig('memory', true));
    const result = await cli(['run', 'writer', 'write it', '--no-interactive'], { cwd, tty: true });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('in-memory store');
    expect(result.stderr).toContain('store: sqlite');
    expect(result.stderr).not.toContain('agentry resume');
  });

  it('durable run in a persistent store: prints the resume commands', async () => {
    const cwd = project(gatedConfig('sqlite', true));
    const result = await cli(['run', 'writer', 'write it', '--json'], { cwd });
    expect(result.code).toBe(3);
    const document = JSON.parse(result.stdout) as { resumable: boolean; resumeCommands: string[] };
    expect(document.resumable).toBe(true);
    expect(document.resumeCommands[0]).toMatch(/^npx agentry resume run_\S+ --approve \S+$/);
    expect(result.stderr).toContain('To continue, run one of:');
  });
});

describe('persistentStore', () => {
  it('is false for the in-memory store, and for no store where @agentry/plugins is not installed', () => {
    expect(persistentStore({ config: { store: 'memory' }, baseDir: CLI_DIR })).toBe(false);
    expect(persistentStore({ config: { store: { type: 'memory' } }, baseDir: CLI_DIR })).toBe(false);
    expect(persistentStore({ config: {}, baseDir: tmpdir() })).toBe(false);
    expect(persistentStore({ config: {}, baseDir: CLI_DIR })).toBe(true);
    expect(persistentStore({ config: { store: 'sqlite' }, baseDir: tmpdir() })).toBe(true);
    expect(persistentStore({ config: { store: { impl: './my-store.ts#store' } }, baseDir: CLI_DIR })).toBe(
      true,
    );
  });
});
