import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importImpl } from './import-module.js';

describe('importImpl', () => {
  it.each([
    ['plugin.mjs', (value: string) => `export const value = '${value}';\n`],
    ['plugin.ts', (value: string) => `export const value: string = '${value}';\n`],
  ])(
    'imports %s again once it changed on disk, and from the cache while it did not',
    async (name, source) => {
      const file = join(mkdtempSync(join(tmpdir(), 'agentry-import-')), name);
      writeFileSync(file, source('first'));
      utimesSync(file, new Date(1_000_000), new Date(1_000_000));
      const first = await importImpl(`./${name}#value`, { type: 'file', file });
      expect(first.value).toBe('first');
      expect((await importImpl(`./${name}#value`, { type: 'file', file })).value).toBe('first');
      writeFileSync(file, source('second'));
      utimesSync(file, new Date(2_000_000), new Date(2_000_000));
      expect((await importImpl(`./${name}#value`, { type: 'file', file })).value).toBe('second');
    },
  );
});
