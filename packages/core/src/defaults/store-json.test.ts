/** The store JSON check: the fast pass accepts plain JSON, everything else gets the path-naming walk. */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors/agentry-error.js';
import { assertStoreJson, findNonJson } from './store-json.js';

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { next: value } : [value];
  return value;
}

describe('findNonJson', () => {
  it('accepts plain JSON of every shape, including null-prototype objects and deep nesting', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.ok = [1, 'two', true, null, { three: 3.5 }];
    expect(findNonJson(bare)).toBeUndefined();
    expect(findNonJson({ text: 'x'.repeat(10_000), list: Array.from({ length: 1000 }, (_, i) => i) })).toBe(
      undefined,
    );
    expect(findNonJson(nested(1000, 'leaf'))).toBeUndefined();
  });

  it('names the path of what is not JSON, also past the fast pass depth', () => {
    expect(findNonJson({ items: [1, 2, 3, 10n] })).toEqual({ path: 'value.items[3]', found: 'a BigInt' });
    expect(findNonJson({ 'odd key': [Number.POSITIVE_INFINITY] })).toEqual({
      path: 'value["odd key"][0]',
      found: 'the number Infinity',
    });
    expect(findNonJson(nested(600, new Date(0)))?.found).toBe('an instance of Date');
    const sparse = [1, 2, 3];
    delete sparse[1];
    expect(findNonJson(sparse)).toEqual({ path: 'value[1]', found: 'a hole in a sparse array' });
    expect(findNonJson([1, undefined])).toEqual({ path: 'value[1]', found: 'undefined' });
    expect(findNonJson({ [Symbol('s')]: 1 })).toEqual({ path: 'value', found: 'an object with symbol keys' });
  });

  it('reports cycles instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push({ back: cyclic });
    expect(findNonJson(cyclic)).toEqual({ path: 'value.list[0].back', found: 'a circular reference' });
  });

  it('accepts a value shared by two branches (a DAG is not a cycle)', () => {
    const shared = { same: true };
    expect(findNonJson({ left: shared, right: [shared, shared] })).toBeUndefined();
  });
});

describe('assertStoreJson', () => {
  it('throws store.not_json with the given path prefix and writes nothing', () => {
    let caught: unknown;
    try {
      assertStoreJson('sqlite', { at: new Map() }, 'entries[2].value');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('store.not_json');
    expect((caught as StoreError).message).toContain('entries[2].value.at is an instance of Map');
  });
});
