import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../testing/store-conformance.js';
import type { KeyvStoreConnection } from './keyv-store.js';
import { MemoryStore } from './memory-store.js';

/** A keyv store whose backend has no `writeIf` (as a store written outside this package): `setBatchIf` in steps. */
class StepwiseStore extends MemoryStore {
  protected override async connect(): Promise<KeyvStoreConnection> {
    const { writeIf: _writeIf, ...connection } = await super.connect();
    return connection;
  }
}

describeStoreConformance({ name: 'keyv store without writeIf', create: () => new StepwiseStore() });

describe('setBatchIf in steps', () => {
  it('refuses what it cannot apply atomically, writing nothing', async () => {
    const store = new StepwiseStore();
    const lease = (await store.acquireLease('run', 'owner', 30_000))!;
    const entries = [{ namespace: 'ns', key: 'k', value: 1 }];
    const expected = { namespace: 'ns', key: 'k', value: undefined };
    await expect(store.setBatchIf(entries, { expect: expected })).rejects.toMatchObject({
      code: 'store.unsupported',
    });
    await expect(
      store.setBatchIf(entries, { unleased: 'inbox', fence: { lease: lease.name, token: lease.token } }),
    ).rejects.toMatchObject({ code: 'store.unsupported' });
    expect(await store.get('ns', 'k')).toBeUndefined();
    await store.close();
  });
});
