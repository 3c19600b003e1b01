// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:NAME}` is config syntax, not a template.
import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate.js';

describe('interpolateEnv', () => {
  it('replaces references and keeps every other value, keys and order as they were', () => {
    const input = JSON.parse(
      '{"b":"${env:HOST}:8080","a":["plain",{"n":1,"t":true,"z":null}],"__proto__":{"x":"${env:NONE:-d}"}}',
    ) as Record<string, unknown>;
    const result = interpolateEnv(input, { HOST: 'db' }, () => undefined);
    expect(result.issues).toEqual([]);
    const value = result.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['b', 'a', '__proto__']);
    expect(value.b).toBe('db:8080');
    expect(value.a).toEqual(['plain', { n: 1, t: true, z: null }]);
    // A `__proto__` key stays an own value of the copy; the copy's prototype is untouched.
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 'd' });
    expect(result.envSources.get(JSON.stringify(['b']))).toEqual(['HOST']);
  });
});
