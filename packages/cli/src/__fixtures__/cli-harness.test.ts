/** The test harness's example copies: leftover state in an example directory never reaches a test. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUICKSTART_FILES, quickstartCopy, REPO_DIR, scratchDir } from './cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('quickstartCopy', () => {
  it('copies the example files but not a store or run outputs left by a demo run', () => {
    const leftovers = Object.fromEntries(
      QUICKSTART_FILES.map((file) => [file, `contents of ${file}`] as const),
    );
    const dirty = scratchDir({
      ...leftovers,
      '.agentry/agentry.db': 'a store from an earlier run',
      'workspace/summary.md': '# written by `npm run demo`',
    });
    cleanups.push(dirty.remove);
    const copy = quickstartCopy(dirty.dir);
    cleanups.push(copy.remove);
    expect(existsSync(path.join(copy.dir, '.agentry'))).toBe(false);
    expect(readdirSync(path.join(copy.dir, 'workspace'))).toEqual(['notes.md']);
  });

  it('lists every file the repository example has besides run outputs', () => {
    const example = path.join(REPO_DIR, 'examples/quickstart');
    const copy = quickstartCopy();
    cleanups.push(copy.remove);
    for (const file of QUICKSTART_FILES) expect(existsSync(path.join(copy.dir, file)), file).toBe(true);
    const top = readdirSync(example).filter((name) => name !== '.agentry' && name !== 'workspace');
    expect(QUICKSTART_FILES.filter((file) => !file.includes('/')).sort()).toEqual(top.sort());
  });
});
