/**
 * `Store.setBatchIf` in steps, for a keyv backend without `writeIf` (a store written outside this package):
 * the `unleased` lease taken around the compare and the write, the fence's lease given up after the write.
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../contracts/json.js';
import type { Store, StoreBatchEntry, StoreConditionalOptions } from '../contracts/store.js';
import { StoreError } from '../errors/agentry-error.js';

/** How long the `unleased` lease is taken for: a few store calls. */
const STEP_LEASE_MS = 10_000;

/**
 * `setBatchIf` through the store's other methods. `unleased` is taken as a lease (false when someone holds
 * it) and fences the compare and the write; `expect` needs it (the steps are atomic only under it), and it
 * cannot be combined with a `fence` (a write carries one). `releaseFence` gives the lease up after the write.
 */
export async function setBatchIfInSteps(
  store: Store,
  entries: readonly StoreBatchEntry[],
  options: StoreConditionalOptions,
): Promise<boolean> {
  const { expect, unleased, releaseFence, fence, deferFlush } = options;
  if ((expect !== undefined && unleased === undefined) || (unleased !== undefined && fence !== undefined)) {
    throw new StoreError('store.unsupported', {
      message: `${store.name} store cannot apply this setBatchIf in steps (its backend has no writeIf): ${expect !== undefined && unleased === undefined ? '`expect` without `unleased`' : '`unleased` with a `fence`'}; nothing was written`,
      hint: 'Implement KeyvStoreConnection.writeIf for this backend.',
      context: { plugin: store.name },
    });
  }
  const write = async (options: { fence?: { lease: string; token: number }; deferFlush?: boolean }) => {
    if (store.setBatch) await store.setBatch(entries, options);
    else for (const entry of entries) await store.set(entry.namespace, entry.key, entryValue(entry), options);
  };
  const flush = deferFlush === true ? { deferFlush } : {};
  if (unleased === undefined) {
    await write({ ...(fence === undefined ? {} : { fence }), ...flush });
    if (fence !== undefined && releaseFence === true) {
      const holder = await store.readLease(fence.lease);
      if (holder?.token === fence.token) await store.releaseLease(holder);
    }
    return true;
  }
  const lease = await store.acquireLease(unleased, `set-batch-if:${randomUUID()}`, STEP_LEASE_MS);
  if (lease === undefined) return false;
  try {
    if (expect !== undefined) {
      const current = await store.get(expect.namespace, expect.key);
      if (JSON.stringify(current) !== JSON.stringify(expect.value)) return false;
    }
    await write({ fence: { lease: lease.name, token: lease.token }, ...flush });
    return true;
  } finally {
    await store.releaseLease(lease);
  }
}

function entryValue(entry: StoreBatchEntry): JsonValue {
  return 'text' in entry ? (JSON.parse(entry.text) as JsonValue) : entry.value;
}
