import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultOwnerName } from './runtime-setup.js';

describe('defaultOwnerName', () => {
  it('names this host and process, and tells the runtimes of one process apart', () => {
    const names = Array.from({ length: 200 }, () => defaultOwnerName());
    for (const name of names) expect(name).toMatch(new RegExp(`^${hostname()}-${process.pid}-[0-9a-f]{8}$`));
    expect(new Set(names).size).toBe(names.length);
  });
});
