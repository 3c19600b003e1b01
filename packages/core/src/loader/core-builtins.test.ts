import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../config/builtin-plugins.js';
import * as core from '../index.js';
import { coreBuiltinExport } from './core-builtins.js';

describe('coreBuiltinExport', () => {
  it("gives every core builtin of the registry but the runtime, the same class core's entry exports", () => {
    const fromCore = BUILTIN_PLUGINS.filter(
      (info) => info.impl.startsWith('@agentry/core#') && info.kind !== 'runtime',
    );
    expect(fromCore.length).toBeGreaterThan(0);
    for (const info of fromCore) {
      const name = info.impl.slice('@agentry/core#'.length);
      expect(coreBuiltinExport(info.impl), info.impl).toBe((core as Record<string, unknown>)[name]);
    }
  });

  it('gives nothing for other exports of core or other packages (they are imported)', () => {
    expect(coreBuiltinExport('@agentry/core#createRuntime')).toBeUndefined();
    expect(coreBuiltinExport('@agentry/core#DefaultRuntime')).toBeUndefined();
    expect(coreBuiltinExport('@agentry/plugins/store/sqlite#SqliteStore')).toBeUndefined();
    expect(coreBuiltinExport('./my-core.ts#MemoryStore')).toBeUndefined();
  });
});
