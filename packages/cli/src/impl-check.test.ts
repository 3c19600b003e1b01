/** Plain `agentry validate` refuses the impl specifiers `run` refuses, with file:line:col, importing nothing. */
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from './__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A tool module that leaves a marker file when it is imported. */
const MARKING_TOOL = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported.marker', import.meta.url), 'imported');
export const tool = {};
`;

const REFUSED = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Hello"] }
  remote: { impl: "https://example.com/model.js#model" }
agents:
  helper:
    model: demo
    memory: { impl: "./tool.mjs#then" }
    tools:
      - { impl: "./tool.mjs#tool" }
      - { impl: "node:fs#readFile" }
      - impl: "data:text/javascript,export default 1"
      - { impl: "../outside.mjs#tool" }
      - { impl: "./tool.mjs#constructor" }
    hooks:
      before: ["./escape/hook.mjs#audit"]
`;

function project(files: Record<string, string>): string {
  const scratch = scratchDir(files, { inRepo: false });
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('agentry validate (without --load) checks impl specifiers', () => {
  it('exits 2 listing each refused impl with file:line:col, and imports nothing', async () => {
    const cwd = project({ 'agentry.yaml': REFUSED, 'tool.mjs': MARKING_TOOL });
    const outside = project({ 'hook.mjs': 'export function audit() {}\n' });
    symlinkSync(outside, path.join(cwd, 'escape'));

    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[plugin.impl_refused]');
    const expected: [RegExp, string][] = [
      [/agentry\.yaml:5:\d+\s+models\.remote\.impl/, 'remote code is never loaded'],
      [/agentry\.yaml:9:\d+\s+agents\.helper\.memory\.impl/, '"then" is a reserved name'],
      [/agentry\.yaml:12:\d+\s+agents\.helper\.tools\[1\]\.impl/, 'Node builtins are not plugins'],
      [/agentry\.yaml:13:\d+\s+agents\.helper\.tools\[2\]\.impl/, 'inline code is never loaded'],
      [/agentry\.yaml:14:\d+\s+agents\.helper\.tools\[3\]\.impl/, 'it leaves the project root'],
      [/agentry\.yaml:15:\d+\s+agents\.helper\.tools\[4\]\.impl/, '"constructor" is a reserved name'],
      [/agentry\.yaml:17:\d+\s+agents\.helper\.hooks\.before\[0\]/, 'it leaves the project root'],
    ];
    for (const [where, why] of expected) {
      expect(result.stderr).toMatch(where);
      expect(result.stderr).toContain(why);
    }
    expect(result.stderr).not.toMatch(/tools\[0\]/);
    expect(existsSync(path.join(cwd, 'imported.marker'))).toBe(false);

    const json = await cli(['validate', '--json'], { cwd });
    expect(json.code).toBe(2);
    const document = JSON.parse(json.stdout) as {
      valid: boolean;
      error: { code: string; issues: { path: string; location: string }[] };
    };
    expect(document).toMatchObject({ valid: false, error: { code: 'plugin.impl_refused' } });
    expect(document.error.issues).toHaveLength(expected.length);
    expect(document.error.issues[0]).toMatchObject({
      path: 'models.remote.impl',
      location: 'agentry.yaml:5:19',
    });
  });

  it('passes package names and files inside the project without importing them', async () => {
    const cwd = project({
      'agentry.yaml': REFUSED.split('\n')
        .filter((line) => !/remote:|then|node:|data:|outside|constructor|hooks:|before:/.test(line))
        .join('\n'),
      'tool.mjs': MARKING_TOOL,
    });
    const result = await cli(['validate'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(cwd, 'imported.marker'))).toBe(false);
  });
});
