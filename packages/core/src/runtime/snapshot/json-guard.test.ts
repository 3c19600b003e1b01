import { describe, expect, it } from 'vitest';
import { isAgentryError } from '../../errors/agentry-error.js';
import { assertJson, canonicalJson } from './json-guard.js';

function failure(
  value: unknown,
  label = 'patternState',
): { code: string; path: string | undefined; message: string } {
  try {
    assertJson(value, label);
  } catch (error) {
    if (isAgentryError(error)) return { code: error.code, path: error.context.path, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

/** `[1, <hole>, 3]` */
function holey(): number[] {
  const list = new Array<number>(3);
  list[0] = 1;
  list[2] = 3;
  return list;
}

class Point {
  x = 1;
}

describe('json guard', () => {
  it('writes canonical JSON: sorted keys, undefined properties left out, same text for any key order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ y: { b: 2, a: 1 }, x: 0 })).toBe(canonicalJson({ x: 0, y: { a: 1, b: 2 } }));
    expect(canonicalJson(Object.create(null))).toBe('{}');
  });

  it.each([
    [
      'a BigInt',
      { messages: [{}, {}, {}, { content: { count: 10n } }] },
      'patternState.messages[3].content.count',
      'BigInt',
    ],
    ['a Map', { cache: new Map() }, 'patternState.cache', 'Map'],
    ['a Set', { seen: new Set([1]) }, 'patternState.seen', 'Set'],
    ['a Date', { at: new Date(0) }, 'patternState.at', 'Date'],
    ['a class instance', { point: new Point() }, 'patternState.point', 'Point'],
    ['a function', { run: () => 1 }, 'patternState.run', 'function'],
    ['undefined in an array', { list: [1, undefined] }, 'patternState.list[1]', 'undefined'],
    ['a hole in an array', { list: holey() }, 'patternState.list[1]', 'undefined'],
    ['NaN', { score: Number.NaN }, 'patternState.score', 'NaN'],
    ['Infinity', { score: [Number.POSITIVE_INFINITY] }, 'patternState.score[0]', 'Infinity'],
    ['an odd key', { 'my key': { ok: Symbol('s') } }, 'patternState["my key"].ok', 'symbol'],
  ])('rejects %s and names its path', (_name, value, path, word) => {
    const result = failure(value);
    expect(result.code).toBe('checkpoint.not_serializable');
    expect(result.path).toBe(path);
    expect(result.message).toContain(path);
    expect(result.message).toContain(word);
  });

  it('rejects a circular reference but accepts a shared (non-circular) one', () => {
    const shared = { a: 1 };
    expect(() => assertJson({ left: shared, right: shared })).not.toThrow();
    const loop: { self?: unknown; items: unknown[] } = { items: [] };
    loop.items.push({ back: loop });
    const result = failure(loop, 'state');
    expect(result.path).toBe('state.items[0].back');
    expect(result.message).toContain('circular');
  });
});
