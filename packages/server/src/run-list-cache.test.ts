import type { Runtime } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { noteRuntime } from './__fixtures__/test-runtime.js';
import { RunListCache } from './run-list-cache.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('RunListCache', () => {
  it('scans the store once per filter until a run changes or the entry expires', async () => {
    const { runtime } = await noteRuntime();
    opened.push(runtime);
    const scan = vi.spyOn(runtime.runs, 'list');
    let now = 0;
    const cache = new RunListCache(1000, () => now);
    expect(await cache.list(runtime, {})).toEqual([]);
    await cache.list(runtime, {});
    expect(scan).toHaveBeenCalledTimes(1);
    await cache.list(runtime, { status: 'suspended' });
    expect(scan).toHaveBeenCalledTimes(2);

    const result = await runtime.run({ agent: 'writer', input: 'go' });
    const after = await cache.list(runtime, {});
    expect(after.map((record) => record.runId)).toEqual([result.runId]);
    expect(scan).toHaveBeenCalledTimes(3);

    now = 999;
    await cache.list(runtime, {});
    expect(scan).toHaveBeenCalledTimes(3);
    now = 1001;
    await cache.list(runtime, {});
    expect(scan).toHaveBeenCalledTimes(4);
  });
});
