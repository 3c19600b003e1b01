import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: memory
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: text-length, input: { text: "hello" } }]
      - Done.
agents:
  helper:
    model: demo
    memory: { impl: ./plugins/pinned-notes-memory.ts#pinnedNotes, config: { notes: ["Be brief."] } }
    tools:
      - { impl: ./plugins/text-length-tool.ts#textLength }
`;

describe('agentry new plugin', () => {
  it('scaffolds a tool and a memory that load and run as written', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const tool = await cli(['new', 'plugin', 'tool', 'text-length'], { cwd: scratch.dir });
    expect(tool.code).toBe(0);
    expect(tool.stdout).toContain('{ impl: ./plugins/text-length-tool.ts#textLength }');
    const memory = await cli(['new', 'plugin', 'memory', 'pinned-notes'], { cwd: scratch.dir });
    expect(memory.code).toBe(0);
    expect(readFileSync(path.join(scratch.dir, 'plugins/pinned-notes-memory.ts'), 'utf8')).toContain(
      "kind: 'memory'",
    );

    const run = await cli(['run', 'helper', 'measure hello', '--json'], { cwd: scratch.dir });
    expect(run.stderr).toMatch(/tool\s+text-length \{"text":"hello"\} · \S+ · ok/);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', output: 'Done.' });
    expect(run.code).toBe(0);

    const again = await cli(['new', 'plugin', 'tool', 'text-length'], { cwd: scratch.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('refuses kinds without a template and bad names', async () => {
    const kind = await cli(['new', 'plugin', 'tol', 'x']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('Did you mean "tool"?');
    const name = await cli(['new', 'plugin', 'tool', 'Bad Name']);
    expect(name.code).toBe(2);
  });
});
