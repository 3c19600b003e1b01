/**
 * The conditional-write cases of the store conformance suite (`Store.setBatchIf`): a compare-and-set, a
 * write ordered with the holders of a lease, and a fenced write that gives its lease up in its own commit.
 */
import { describe, expect, it } from 'vitest';
import type { Store, StoreBatchEntry } from '../contracts/store.js';
import { isAgentryError } from '../errors/agentry-error.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function codeOf(write: Promise<unknown>): Promise<string | undefined> {
  const error = await write.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isAgentryError(error) ? error.code : error === undefined ? undefined : String(error);
}

/** Registers the conditional-write cases; `current` gives the store of the running test (skipped without `setBatchIf`). */
export function describeConditionalWrites(current: () => Store): void {
  describe('conditional writes (setBatchIf)', () => {
    const head = (value: { seq: number; closed?: boolean }): StoreBatchEntry => ({
      namespace: 'cas',
      key: 'head',
      value,
    });

    it('writes a compare-and-set on an absent entry once, and nothing of a batch whose entry changed', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      const expectAbsent = { namespace: 'cas', key: 'head', value: undefined };
      expect(await store.setBatchIf([head({ seq: 1 })], { expect: expectAbsent, unleased: 'cas-lock' })).toBe(
        true,
      );
      const other: StoreBatchEntry = { namespace: 'cas-other', key: 'entry', value: 'late' };
      expect(
        await store.setBatchIf([other, head({ seq: 9 })], { expect: expectAbsent, unleased: 'cas-lock' }),
      ).toBe(false);
      expect(await store.get('cas', 'head')).toEqual({ seq: 1 });
      expect(await store.get('cas-other', 'entry')).toBeUndefined();
    });

    it('writes a compare-and-set while the entry holds the expected value, written by any write method', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      await store.set('cas', 'head', { seq: 2 });
      const other: StoreBatchEntry = { namespace: 'cas-other', key: 'entry', text: '{"b":1,"a":2}' };
      const expected = { namespace: 'cas', key: 'head', value: { seq: 2 } };
      const options = { expect: expected, unleased: 'cas-lock' };
      expect(await store.setBatchIf([head({ seq: 2, closed: true }), other], options)).toBe(true);
      expect(await store.get('cas', 'head')).toEqual({ seq: 2, closed: true });
      expect(Object.keys((await store.get('cas-other', 'entry')) as object)).toEqual(['b', 'a']);
      // The value changed since: refused, nothing written.
      expect(await store.setBatchIf([head({ seq: 3 })], { ...options, deferFlush: true })).toBe(false);
      await store.setMany('cas', [{ key: 'head', value: { seq: 4 } }]);
      expect(await store.setBatchIf([head({ seq: 3 })], options)).toBe(false);
      expect(await store.get('cas', 'head')).toEqual({ seq: 4 });
    });

    it('lets exactly one of 20 racing compare-and-sets from the same value win', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      await store.set('cas', 'head', { seq: 0 });
      const expected = { namespace: 'cas', key: 'head', value: { seq: 0 } };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.setBatchIf!([head({ seq: index + 1 })], { expect: expected, unleased: 'cas-lock' }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('cas', 'head')).toEqual({ seq: results.indexOf(true) + 1 });
    });

    it('refuses a write while its `unleased` lease is held, and applies it once the lease is free', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      const holder = (await store.acquireLease('cas-lock', 'sender', 30_000))!;
      const options = { unleased: 'cas-lock', expect: { namespace: 'cas', key: 'head', value: undefined } };
      expect(await store.setBatchIf([head({ seq: 0, closed: true })], options)).toBe(false);
      expect(await store.get('cas', 'head')).toBeUndefined();
      await store.releaseLease(holder);
      expect(await store.setBatchIf([head({ seq: 0, closed: true })], options)).toBe(true);
      // The lease is free for the next holder.
      expect(await store.acquireLease('cas-lock', 'sender-2', 30_000)).toBeDefined();
      // An expired holder does not count.
      await store.acquireLease('cas-expiring', 'sender', 100);
      await sleep(300);
      expect(await store.setBatchIf([head({ seq: 5 })], { unleased: 'cas-expiring' })).toBe(true);
      expect(await store.get('cas', 'head')).toEqual({ seq: 5 });
    });

    it('gives the fence’s lease up with the write (releaseFence), and a stale holder neither writes nor releases', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      const lease = (await store.acquireLease('cas-run', 'owner-a', 30_000))!;
      const fence = { lease: lease.name, token: lease.token };
      expect(await store.setBatchIf([head({ seq: 1 })], { fence, releaseFence: true })).toBe(true);
      expect(await store.get('cas', 'head')).toEqual({ seq: 1 });
      expect(await store.readLease('cas-run')).toBeUndefined();
      const next = (await store.acquireLease('cas-run', 'owner-b', 30_000))!;
      expect(next.token).toBeGreaterThan(lease.token);
      // The old holder's fence is refused: nothing written, the new holder keeps the lease.
      expect(await codeOf(store.setBatchIf([head({ seq: 2 })], { fence, releaseFence: true }))).toBe(
        'store.lease_lost',
      );
      expect(await store.get('cas', 'head')).toEqual({ seq: 1 });
      expect((await store.readLease('cas-run'))?.owner).toBe('owner-b');
      // Without releaseFence the holder keeps its lease.
      const held = { lease: next.name, token: next.token };
      expect(await store.setBatchIf([head({ seq: 3 })], { fence: held, deferFlush: true })).toBe(true);
      expect((await store.readLease('cas-run'))?.token).toBe(next.token);
    });

    it('refuses an `expect` on an entry the batch does not write, before writing anything', async () => {
      const store = current();
      if (!store.setBatchIf) return;
      const write = store.setBatchIf([head({ seq: 1 })], {
        expect: { namespace: 'cas', key: 'elsewhere', value: undefined },
        unleased: 'cas-lock',
      });
      expect(await codeOf(write)).toBe('store.unsupported');
      expect(await store.get('cas', 'head')).toBeUndefined();
      // An empty batch without conditions has nothing to refuse.
      expect(await store.setBatchIf([], {})).toBe(true);
    });
  });
}
