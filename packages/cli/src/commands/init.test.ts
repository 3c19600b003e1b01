import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('agentry init', () => {
  it('scaffolds a project that validates, and refuses to overwrite it without --force', async () => {
    const scratch = scratchDir({}, { inRepo: false });
    cleanups.push(scratch.remove);
    const created = await cli(['init', 'my-agent'], { cwd: scratch.dir });
    expect(created.code).toBe(0);
    const dir = path.join(scratch.dir, 'my-agent');
    for (const file of [
      'agentry.yaml',
      'demo.script.yaml',
      'tools/word-count.ts',
      'workspace/notes.txt',
      'package.json',
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect(manifest.name).toBe('my-agent');
    expect(manifest.scripts.start).toMatch(/^agentry run assistant /);
    expect(readFileSync(path.join(dir, 'agentry.yaml'), 'utf8')).toContain(
      '# main:\n#   provider: openai'.replaceAll('#', '  #'),
    );
    expect(created.stdout).toContain('npx agentry run assistant');

    const validated = await cli(['validate'], { cwd: dir });
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);

    const again = await cli(['init', 'my-agent'], { cwd: scratch.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await cli(['init', 'my-agent', '--force', '--json'], { cwd: scratch.dir });
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as { written: string[] }).written).toContain('agentry.yaml');
  });
});

describe('the scaffolded project', () => {
  it('runs: the custom TypeScript tool loads by path and the gated write waits for approval', async () => {
    const scratch = scratchDir();
    cleanups.push(scratch.remove);
    expect((await cli(['init', '.'], { cwd: scratch.dir })).code).toBe(0);
    const suspended = await cli(['run', 'assistant', 'Summarise the notes', '--json'], { cwd: scratch.dir });
    expect(suspended.stderr).toMatch(/tool\s+word-count .* ok/);
    expect(suspended.code).toBe(3);
    const approved = await cli(['run', 'assistant', 'Summarise the notes', '--approve', 'write-file'], {
      cwd: scratch.dir,
    });
    expect(approved.code).toBe(0);
    expect(readFileSync(path.join(scratch.dir, 'workspace/summary.md'), 'utf8')).toContain('# Summary');
  });
});
