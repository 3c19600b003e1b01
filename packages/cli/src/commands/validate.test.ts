/** `agentry validate` catches what `run` refuses: every problem at once, at its YAML line, plain without imports. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';
import { exportedNames } from '../plugin-check.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function project(files: Record<string, string>): string {
  const scratch = scratchDir(files);
  cleanups.push(scratch.remove);
  return scratch.dir;
}

/** A tool module that leaves a marker file when it is imported, and whose config schema wants `{ to }`. */
const TOOLS = `import { writeFileSync } from 'node:fs';
import { definePlugin, defineTool } from '@agentry/core';
import { z } from 'zod';
writeFileSync(new URL('./imported.marker', import.meta.url), 'imported');
const mail = defineTool({ name: 'send-email', description: 'Sends', input: z.object({}), sideEffects: 'unsafe', execute: () => ({}) });
export const sendEmail = mail;
export const mailer = definePlugin({
  kind: 'tool', name: 'mailer', specVersion: 1,
  configSchema: z.strictObject({ to: z.string() }),
  create: () => mail,
});
`;

const BROKEN = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ./missing.script.yaml }
agents:
  a:
    model: demo
    memory: { type: window, config: { maxMesages: 3 } }
    tools:
      - { type: write-file, config: { root: ., approval: sometimes } }
      - { impl: ./plugins/missing.ts#x }
      - { impl: ./plugins/tools.ts#sendEmial }
      - { impl: ./plugins/tools.ts#mailer, config: { too: ann } }
`;

describe('agentry validate (without --load)', () => {
  it('reports every problem run would refuse, each at its line, without importing user code', async () => {
    const cwd = project({ 'agentry.yaml': BROKEN, 'plugins/tools.ts': TOOLS });
    const before = await cli(['validate'], { cwd });
    expect(before.code).toBe(2);
    const expected: [RegExp, string][] = [
      [/agentry\.yaml:4:\d+ {2}models\.demo\.script/, 'script file ./missing.script.yaml does not exist'],
      [/agentry\.yaml:8:\d+ {2}agents\.a\.memory\.config\.maxMesages/, 'did you mean "maxMessages"?'],
      [/agentry\.yaml:10:\d+ {2}agents\.a\.tools\[0\]\.config\.approval/, 'got string "sometimes"'],
      [/agentry\.yaml:11:\d+ {2}agents\.a\.tools\[1\]\.impl/, 'missing.ts does not exist'],
      [
        /agentry\.yaml:12:\d+ {2}agents\.a\.tools\[2\]\.impl/,
        'has no export "sendEmial". Did you mean "sendEmail"?',
      ],
    ];
    for (const [where, what] of expected) {
      expect(before.stderr).toMatch(where);
      expect(before.stderr).toContain(what);
    }
    expect(before.stderr).toContain('has 5 plugin problems');
    // The impl's own config is only known by importing it: that is --load's job.
    expect(before.stderr).not.toContain('tools[3]');
    expect(existsSync(path.join(cwd, 'plugins/imported.marker'))).toBe(false);

    // The same config is refused by run (exit 2), which is what validate promised.
    const run = await cli(['run', 'a', 'hi'], { cwd });
    expect(run.code).toBe(2);
  });

  it('--load reports every plugin problem at once, impl configs included, at its line', async () => {
    const cwd = project({ 'agentry.yaml': BROKEN, 'plugins/tools.ts': TOOLS });
    const result = await cli(['validate', '--load', '--json'], { cwd });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as {
      error: { issues: { path: string; location: string; message: string; hint?: string }[] };
    };
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue]));
    expect(Object.keys(byPath)).toEqual([
      'models.demo.script',
      'agents.a.memory.config.maxMesages',
      'agents.a.tools[0].config.approval',
      'agents.a.tools[1]',
      'agents.a.tools[2]',
      'agents.a.tools[3].config.too',
    ]);
    expect(byPath['agents.a.tools[2]']?.message).toContain('has no export "sendEmial"');
    expect(byPath['agents.a.tools[3].config.too']).toMatchObject({
      location: expect.stringMatching(/agentry\.yaml:13:\d+$/),
      message: 'mailer: unknown key "too"',
      hint: 'did you mean "to"?',
    });
  });

  it('passes a config that runs, with a TypeScript tool, and still imports nothing', async () => {
    const cwd = project({
      'agentry.yaml': `version: 1\nstore: memory\nmodels:\n  demo: { provider: scripted, script: ./demo.yaml }\nagents:\n  a:\n    model: demo\n    tools:\n      - { type: write-file, config: { root: ., approval: always } }\n      - { impl: ./plugins/tools.ts#sendEmail }\n      - { impl: ./plugins/tools.ts#mailer, config: { to: ann } }\n`,
      'demo.yaml': '- Done.\n',
      'plugins/tools.ts': TOOLS,
    });
    const result = await cli(['validate'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(cwd, 'plugins/imported.marker'))).toBe(false);
  });
});

describe('exported names read from source', () => {
  it('finds declarations, export lists and defaults, and gives up on re-exports and CommonJS', () => {
    expect(
      exportedNames(
        'export const a = 1;\nexport async function b() {}\nexport class C {}\nconst d = 1, e = 2;\nexport { d, e as f, type G };\nexport default a;\n',
      ),
    ).toEqual(new Set(['a', 'b', 'C', 'd', 'f', 'G', 'default']));
    expect(exportedNames("export * from './other.js';\nexport const a = 1;")).toBeUndefined();
    expect(exportedNames('module.exports = { a: 1 };')).toBeUndefined();
    expect(exportedNames('const a = 1;')).toBeUndefined();
  });
});
