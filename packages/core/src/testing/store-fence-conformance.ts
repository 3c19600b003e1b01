/** The fenced-write cases of the store conformance suite (`StoreFence`): a stale lease holder writes nothing. */
import { describe, expect, it } from 'vitest';
import type { Lease, Store, StoreFence } from '../contracts/store.js';
import { isAgentryError } from '../errors/agentry-error.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const fenceOf = (lease: Lease): StoreFence => ({ lease: lease.name, token: lease.token });

/** Expects `store.lease_lost` from a refused fenced write. */
async function expectRefused(write: Promise<unknown>): Promise<void> {
  const error = await write.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the stale write succeeded').toBeDefined();
  expect(isAgentryError(error), `expected an AgentryError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe('store.lease_lost');
}

/** Registers the fenced-write cases; `current` gives the store of the running test. */
export function describeFencedWrites(current: () => Store): void {
  describe('fenced writes', () => {
    it('applies the holder’s fenced set, setJsonText and setMany, also with deferFlush', async () => {
      const store = current();
      const lease = (await store.acquireLease('fence-held', 'owner-a', 30_000))!;
      const fence = fenceOf(lease);
      await store.set('fenced', 'head', { step: 1 }, { fence });
      await store.setMany(
        'fenced',
        [
          { key: 'chunk:0', value: 'zero' },
          { key: 'chunk:1', value: [1] },
        ],
        { fence },
      );
      await store.setJsonText?.('fenced', 'text', '{"b":1,"a":2}', { fence, deferFlush: true });
      await store.set('fenced', 'deferred', 'd', { fence, deferFlush: true });
      expect(await store.getMany('fenced', ['head', 'chunk:0', 'chunk:1', 'deferred'])).toEqual([
        { step: 1 },
        'zero',
        [1],
        'd',
      ]);
      if (store.setJsonText)
        expect(Object.keys((await store.get('fenced', 'text')) as object)).toEqual(['b', 'a']);
    });

    it('refuses every write of a holder whose lease was taken over, and writes none of a batch', async () => {
      const store = current();
      const stale = (await store.acquireLease('fence-taken', 'owner-a', 100))!;
      await store.set('fenced', 'head', 'from a', { fence: fenceOf(stale) });
      await sleep(300);
      const taken = (await store.acquireLease('fence-taken', 'owner-b', 30_000))!;
      await store.set('fenced', 'head', 'from b', { fence: fenceOf(taken) });
      await expectRefused(store.set('fenced', 'head', 'late a', { fence: fenceOf(stale) }));
      await expectRefused(store.set('fenced', 'head', 'late a', { fence: fenceOf(stale), deferFlush: true }));
      if (store.setJsonText) {
        await expectRefused(store.setJsonText('fenced', 'head', '"late a"', { fence: fenceOf(stale) }));
      }
      await expectRefused(
        store.setMany(
          'fenced',
          [
            { key: 'head', value: 'late a' },
            { key: 'other', value: 'late a' },
          ],
          { fence: fenceOf(stale) },
        ),
      );
      expect(await store.getMany('fenced', ['head', 'other'])).toEqual(['from b', undefined]);
    });

    it('writes a fenced setBatch (when it has it) whole, over several namespaces, and a stale one not at all', async () => {
      const store = current();
      const setBatch = store.setBatch?.bind(store);
      if (setBatch === undefined) return;
      const stale = (await store.acquireLease('fence-batch', 'owner-a', 100))!;
      await setBatch(
        [
          { namespace: 'fenced-head', key: 'run', text: '{"step":1}' },
          { namespace: 'fenced-log', key: 'run:0', value: 'chunk' },
        ],
        { fence: fenceOf(stale), deferFlush: true },
      );
      expect(await store.get('fenced-head', 'run')).toEqual({ step: 1 });
      expect(await store.get('fenced-log', 'run:0')).toBe('chunk');
      await sleep(300);
      const taken = (await store.acquireLease('fence-batch', 'owner-b', 30_000))!;
      await setBatch([{ namespace: 'fenced-head', key: 'run', text: '{"step":2}' }], {
        fence: fenceOf(taken),
      });
      await expectRefused(
        setBatch(
          [
            { namespace: 'fenced-log', key: 'run:1', value: 'late' },
            { namespace: 'fenced-head', key: 'run', text: '{"step":3}' },
          ],
          { fence: fenceOf(stale) },
        ),
      );
      expect(await store.get('fenced-head', 'run')).toEqual({ step: 2 });
      expect(await store.get('fenced-log', 'run:1')).toBeUndefined();
    });

    it('refuses a fenced write once the lease expired, before anyone took it, and after release', async () => {
      const store = current();
      const expired = (await store.acquireLease('fence-expired', 'owner-a', 100))!;
      await sleep(300);
      await expectRefused(store.set('fenced', 'expired', 1, { fence: fenceOf(expired) }));
      const released = (await store.acquireLease('fence-released', 'owner-a', 30_000))!;
      await store.releaseLease(released);
      await expectRefused(store.set('fenced', 'released', 1, { fence: fenceOf(released) }));
      await expectRefused(
        store.set('fenced', 'never', 1, { fence: { lease: 'fence-never-taken', token: 1 } }),
      );
      expect(await store.getMany('fenced', ['expired', 'released', 'never'])).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('never lets a stale write land after the next holder’s write while a handover races them', async () => {
      const store = current();
      const first = (await store.acquireLease('fence-race', 'owner-a', 30_000))!;
      const writes = Array.from({ length: 20 }, (_, index) =>
        store.set('fenced', 'race', `a${index}`, { fence: fenceOf(first) }).then(
          () => 'landed',
          (error: unknown) => (error as { code?: string }).code,
        ),
      );
      await store.releaseLease(first);
      const second = (await store.acquireLease('fence-race', 'owner-b', 30_000))!;
      await store.set('fenced', 'race', 'b', { fence: fenceOf(second) });
      const outcomes = new Set(await Promise.all(writes));
      for (const outcome of outcomes) expect(['landed', 'store.lease_lost']).toContain(outcome);
      expect(await store.get('fenced', 'race')).toBe('b');
    });
  });
}
