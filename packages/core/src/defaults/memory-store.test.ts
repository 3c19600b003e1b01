import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../testing/store-conformance.js';
import { MemoryStore } from './memory-store.js';

describeStoreConformance({ name: 'memory', create: () => new MemoryStore() });

describe('MemoryStore', () => {
  it('is the builtin `memory` store plugin and takes no config', async () => {
    expect(MemoryStore.plugin).toMatchObject({ kind: 'store', name: 'memory', specVersion: 1 });
    expect(MemoryStore.plugin.configSchema.safeParse({ path: 'x' }).success).toBe(false);
  });

  it('expires leases by the injected clock', async () => {
    let now = 1_000;
    const store = new MemoryStore({ clock: { now: () => now } });
    const first = await store.acquireLease('session', 'a', 500);
    expect(first).toEqual({ name: 'session', owner: 'a', token: 1, expiresAt: 1_500 });
    now = 1_499;
    expect(await store.acquireLease('session', 'b', 500)).toBeUndefined();
    now = 1_500;
    expect(await store.acquireLease('session', 'b', 500)).toMatchObject({ owner: 'b', token: 2 });
    await store.close();
  });

  it('does not share data between instances and refuses use after close', async () => {
    const one = new MemoryStore();
    const two = new MemoryStore();
    await one.set('ns', 'k', 1);
    expect(await two.get('ns', 'k')).toBeUndefined();
    await one.close();
    await expect(one.get('ns', 'k')).rejects.toMatchObject({ code: 'store.unavailable', retryable: false });
    await two.close();
  });

  it('stores a copy: changing the written object later does not change the stored value', async () => {
    const store = new MemoryStore();
    const value = { list: [1] };
    await store.set('ns', 'k', value);
    value.list.push(2);
    expect(await store.get('ns', 'k')).toEqual({ list: [1] });
    await store.close();
  });
});
