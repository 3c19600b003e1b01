/** `describeStoreConformance`: the shared vitest suite every `store` plugin must pass. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../contracts/json.js';
import type { Lease, Store } from '../contracts/store.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { describeConditionalWrites } from './store-conditional-conformance.js';
import { describeFencedWrites } from './store-fence-conformance.js';

/** Options of `describeStoreConformance`. */
export interface StoreConformanceOptions {
  /** Shown in the suite title. */
  name: string;
  /** A fresh, empty store (use a unique file, table or key prefix per call). */
  create(): Store | Promise<Store>;
  /** Cleans up after a test; the suite has already closed the store. */
  destroy?(store: Store): void | Promise<void>;
  /** Whether `ttlMs` is honoured (default true); otherwise it must throw `store.unsupported`. */
  supportsTtl?: boolean;
  /** A store pointed at a backend that cannot be reached (closed port, unwritable path). */
  unreachable?(): Store | Promise<Store>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function collect<T>(iterable: AsyncIterable<[string, T]>): Promise<[string, T][]> {
  const result: [string, T][] = [];
  for await (const entry of iterable) result.push(entry);
  return result.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the store operation to fail, but it succeeded');
}

async function expectStoreError(promise: Promise<unknown>, code: string, text?: string): Promise<void> {
  const error = await caught(promise);
  expect(isAgentryError(error), `expected an AgentryError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (text !== undefined) expect((error as Error).message).toContain(text);
}

const SHAPES: Record<string, JsonValue> = {
  null: null,
  true: true,
  false: false,
  zero: 0,
  negativeFloat: -1.5,
  huge: 1e300,
  emptyString: '',
  colonString: ':starts with a colon',
  base64Lookalike: ':base64:aGVsbG8=',
  unicode: 'grüße 日本語 🎉 \u0000 \n "quoted"',
  emptyArray: [],
  emptyObject: {},
  nested: { a: [1, { b: [null, true, 'x', { c: { d: [] } }] }], 'key with spaces': 'v', 'ü:%*': 1 },
};

const WEIRD_KEYS = [
  '',
  'plain',
  'with:colon',
  'ns:prefixed',
  '%41',
  'a*b?[c]',
  'ünïcödé-日本',
  'slash/and\\back',
  '_',
];

/** Registers the store conformance suite for one store implementation. */
export function describeStoreConformance(options: StoreConformanceOptions): void {
  describe(`store conformance: ${options.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await options.create();
    });
    afterEach(async () => {
      await store.close();
      await options.destroy?.(store);
    });

    it('declares the store contract', () => {
      expect(store.kind).toBe('store');
      expect(store.specVersion).toBe(1);
      expect(typeof store.name).toBe('string');
    });

    it('round-trips every JSON shape', async () => {
      for (const [key, value] of Object.entries(SHAPES)) await store.set('shapes', key, value);
      for (const [key, value] of Object.entries(SHAPES))
        expect(await store.get('shapes', key)).toEqual(value);
      expect(await store.get('shapes', 'missing')).toBeUndefined();
    });

    it('round-trips a value of about 1 MB', async () => {
      const big = { text: 'x'.repeat(512 * 1024), items: Array.from({ length: 20_000 }, (_, i) => ({ i })) };
      await store.set('big', 'value', big);
      expect(await store.get('big', 'value')).toEqual(big);
    });

    it('keeps keys with special characters and the empty namespace apart', async () => {
      for (const [index, key] of WEIRD_KEYS.entries()) await store.set('weird', key, index);
      for (const [index, key] of WEIRD_KEYS.entries()) expect(await store.get('weird', key)).toBe(index);
      expect((await collect(store.entries('weird'))).map(([key]) => key).sort()).toEqual(
        [...WEIRD_KEYS].sort(),
      );
      await store.set('', '', 'empty');
      expect(await store.get('', '')).toBe('empty');
      expect(await store.get('weird', '')).toBe(0);
    });

    it('isolates namespaces, also ones that differ only in case, wildcards or a prefix', async () => {
      const namespaces = ['a', 'A', 'ab', 'a_b', 'axb', 'a:b', 'a%'];
      for (const namespace of namespaces) await store.set(namespace, 'k', namespace);
      for (const namespace of namespaces) {
        expect(await store.get(namespace, 'k')).toBe(namespace);
        expect(await collect(store.entries(namespace))).toEqual([['k', namespace]]);
      }
      expect(await store.delete('a', 'k')).toBe(true);
      expect(await store.get('ab', 'k')).toBe('ab');
      expect(await store.get('A', 'k')).toBe('A');
    });

    it('returns getMany results in the order of the keys, undefined where missing', async () => {
      await store.set('many', 'b', 2);
      await store.set('many', 'a', 1);
      expect(await store.getMany('many', ['a', 'missing', 'b', 'a'])).toEqual([1, undefined, 2, 1]);
      expect(await store.getMany('many', [])).toEqual([]);
    });

    it('writes several entries with setMany and overwrites existing ones', async () => {
      await store.set('batch', 'x', 'old');
      await store.setMany('batch', [
        { key: 'x', value: 'new' },
        { key: 'y', value: { deep: [1, 2] } },
      ]);
      expect(await store.getMany('batch', ['x', 'y'])).toEqual(['new', { deep: [1, 2] }]);
      await store.setMany('batch', []);
    });

    it('deletes and reports whether something was deleted', async () => {
      await store.set('del', 'k', 1);
      expect(await store.delete('del', 'k')).toBe(true);
      expect(await store.get('del', 'k')).toBeUndefined();
      expect(await store.delete('del', 'k')).toBe(false);
    });

    it('lists every entry of a namespace and nothing else', async () => {
      const expected: [string, JsonValue][] = [];
      for (let index = 0; index < 25; index += 1)
        expected.push([`key-${String(index).padStart(2, '0')}`, { index }]);
      for (const [key, value] of expected) await store.set('list', key, value);
      await store.set('list-other', 'key-00', 'other');
      expect(await collect(store.entries('list'))).toEqual(expected);
      expect(await collect(store.entries('never-written'))).toEqual([]);
    });

    if (options.supportsTtl ?? true) {
      it('expires entries after their ttlMs and keeps them before', async () => {
        await store.set('ttl', 'long', 'stays', { ttlMs: 60_000 });
        await store.set('ttl', 'short', 'goes', { ttlMs: 100 });
        expect(await store.get('ttl', 'long')).toBe('stays');
        await sleep(300);
        expect(await store.get('ttl', 'short')).toBeUndefined();
        expect(await store.getMany('ttl', ['short', 'long'])).toEqual([undefined, 'stays']);
        expect(await collect(store.entries('ttl'))).toEqual([['long', 'stays']]);
      });
    } else {
      it('refuses ttlMs with store.unsupported', async () => {
        await expectStoreError(store.set('ttl', 'k', 1, { ttlMs: 1000 }), 'store.unsupported');
      });
    }

    it('stores JSON text with setJsonText (when it has it) as the value it encodes, key order kept', async () => {
      const setJsonText = store.setJsonText?.bind(store);
      if (setJsonText === undefined) return;
      const value = {
        z: 1,
        a: [true, null, 'two'],
        nested: { 10: 'ten', b: 'x', 2: 'two' },
        text: 'a "quoted" \\ line\n',
      };
      const text = JSON.stringify(value);
      await setJsonText('text', 'k', text);
      const read = await store.get('text', 'k');
      expect(read).toEqual(value);
      expect(JSON.stringify(read)).toBe(text);
      expect(await store.getMany('text', ['k'])).toEqual([value]);
      expect(await collect(store.entries('text'))).toEqual([['k', value]]);
      await setJsonText('text', 'k', '"replaced"');
      expect(await store.get('text', 'k')).toBe('replaced');
      if (options.supportsTtl ?? true) {
        await setJsonText('text', 'short', '[1]', { ttlMs: 100 });
        expect(await store.get('text', 'short')).toEqual([1]);
        await sleep(300);
        expect(await store.get('text', 'short')).toBeUndefined();
      }
    });

    it('writes a batch over several namespaces with setBatch (when it has it): values and JSON text, in order', async () => {
      const setBatch = store.setBatch?.bind(store);
      if (setBatch === undefined) return;
      await setBatch([
        { namespace: 'batch-a', key: 'k', value: { step: 1 } },
        { namespace: 'batch-b', key: 'k', text: '{"z":1,"a":2}' },
        { namespace: 'batch-a', key: 'k', value: { step: 2 } },
      ]);
      expect(await store.get('batch-a', 'k')).toEqual({ step: 2 });
      const text = await store.get('batch-b', 'k');
      expect(JSON.stringify(text)).toBe('{"z":1,"a":2}');
      await setBatch([{ namespace: 'batch-a', key: 'deferred', value: 'd' }], { deferFlush: true });
      expect(await store.get('batch-a', 'deferred')).toBe('d');
      await expectStoreError(
        setBatch([
          { namespace: 'batch-a', key: 'first', value: 1 },
          { namespace: 'batch-a', key: 'bad', value: { when: new Date(0) } as unknown as JsonValue },
        ]),
        'store.not_json',
      );
      expect(await store.get('batch-a', 'first')).toBeUndefined();
    });

    it('writes with deferFlush like any other write: visible at once, overwritten, listed', async () => {
      await store.set('deferred', 'k', { step: 1 }, { deferFlush: true });
      expect(await store.get('deferred', 'k')).toEqual({ step: 1 });
      await store.setJsonText?.('deferred', 'k', '{"step":2}', { deferFlush: true });
      await store.set('deferred', 'other', 'flushed');
      expect(await store.getMany('deferred', ['k', 'other'])).toEqual([
        store.setJsonText ? { step: 2 } : { step: 1 },
        'flushed',
      ]);
      expect((await collect(store.entries('deferred'))).length).toBe(2);
    });

    it('rejects values that are not plain JSON before writing, naming the path', async () => {
      const bad: [unknown, string][] = [
        [{ items: [1, 2, 3, 10n] }, 'value.items[3]'],
        [{ when: new Date(0) }, 'value.when'],
        [{ a: { b: undefined } }, 'value.a.b'],
        [[Number.NaN], 'value[0]'],
        [new Map(), 'value'],
        [{ run: () => 1 }, 'value.run'],
      ];
      for (const [value, path] of bad) {
        await expectStoreError(store.set('json', 'k', value as JsonValue), 'store.not_json', path);
      }
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expectStoreError(store.set('json', 'k', cyclic as JsonValue), 'store.not_json', 'value.self');
      await expectStoreError(
        store.setMany('json', [
          { key: 'ok', value: 1 },
          { key: 'k', value: { set: new Set() } as unknown as JsonValue },
        ]),
        'store.not_json',
        'entries[1].value.set',
      );
      expect(await store.getMany('json', ['k', 'ok'])).toEqual([undefined, undefined]);
    });

    it('keeps every write of 50 concurrent writers', async () => {
      const keys = Array.from({ length: 50 }, (_, index) => `run-${index}`);
      await Promise.all(
        keys.map((key, index) => store.set('parallel', key, { index, payload: 'p'.repeat(index) })),
      );
      const values = await store.getMany('parallel', keys);
      expect(values).toEqual(keys.map((_, index) => ({ index, payload: 'p'.repeat(index) })));
      expect((await collect(store.entries('parallel'))).length).toBe(50);
    });

    describe('leases', () => {
      it('gives a contested lease to exactly one of two racing owners', async () => {
        const [first, second] = await Promise.all([
          store.acquireLease('race', 'owner-a', 30_000),
          store.acquireLease('race', 'owner-b', 30_000),
        ]);
        const winners = [first, second].filter((lease): lease is Lease => lease !== undefined);
        expect(winners).toHaveLength(1);
        const winner = winners[0]!;
        expect(await store.readLease('race')).toMatchObject({ owner: winner.owner, token: winner.token });
        const loser = winner.owner === 'owner-a' ? 'owner-b' : 'owner-a';
        expect(await store.acquireLease('race', loser, 30_000)).toBeUndefined();
      });

      it('hands an expired lease over with a higher token and fences the stale owner out', async () => {
        const old = await store.acquireLease('takeover', 'owner-a', 100);
        expect(old).toBeDefined();
        await sleep(300);
        expect(await store.readLease('takeover')).toBeUndefined();
        const taken = await store.acquireLease('takeover', 'owner-b', 30_000);
        expect(taken?.owner).toBe('owner-b');
        expect(taken!.token).toBeGreaterThan(old!.token);
        expect(await store.renewLease(old!, 30_000)).toBeUndefined();
        await store.releaseLease(old!);
        expect(await store.readLease('takeover')).toMatchObject({ owner: 'owner-b', token: taken!.token });
      });

      it('renews a held lease, then releases it so the next holder gets a higher token', async () => {
        const lease = await store.acquireLease('renew', 'owner-a', 5_000);
        const renewed = await store.renewLease(lease!, 60_000);
        expect(renewed).toMatchObject({ name: 'renew', owner: 'owner-a', token: lease!.token });
        expect(renewed!.expiresAt).toBeGreaterThan(lease!.expiresAt);
        expect(await store.acquireLease('renew', 'owner-b', 5_000)).toBeUndefined();
        await store.releaseLease(renewed!);
        expect(await store.readLease('renew')).toBeUndefined();
        expect(await store.renewLease(renewed!, 5_000)).toBeUndefined();
        const next = await store.acquireLease('renew', 'owner-b', 5_000);
        expect(next!.token).toBeGreaterThan(lease!.token);
      });

      it('keeps leases of different names independent', async () => {
        expect(await store.acquireLease('one', 'owner-a', 30_000)).toBeDefined();
        expect(await store.acquireLease('two', 'owner-b', 30_000)).toBeDefined();
        expect(await store.readLease('missing')).toBeUndefined();
      });
    });

    describeFencedWrites(() => store);
    describeConditionalWrites(() => store);

    it('closes twice without error', async () => {
      await store.set('close', 'k', 1);
      await store.close();
      await store.close();
    });

    if (options.unreachable) {
      const unreachable = options.unreachable;
      it('fails fast with a retryable store.unavailable when the backend cannot be reached', async () => {
        const broken = await unreachable();
        try {
          for (const attempt of [
            broken.set('ns', 'k', 1),
            broken.get('ns', 'k'),
            broken.acquireLease('l', 'o', 1000),
          ]) {
            const error = await caught(attempt);
            expect(isAgentryError(error), String(error)).toBe(true);
            expect(error).toMatchObject({ code: 'store.unavailable', retryable: true });
            expect((error as Error).message).toContain(broken.name);
          }
        } finally {
          await broken.close();
        }
      }, 15_000);
    }
  });
}
