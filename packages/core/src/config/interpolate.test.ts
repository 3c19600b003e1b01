// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:NAME}` is config syntax, not a template.
import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate.js';

describe('interpolateEnv', () => {
  it('replaces references and keeps every other value, keys and order as they were', () => {
    const input = JSON.parse(
      '{"b":"${env:HOST}:8080","a":["plain",{"n":1,"t":true,"z":null}],"c":"${env:NONE:-d}"}',
    );
    const result = interpolateEnv(input, { HOST: 'db' }, () => undefined);
    expect(result.issues).toEqual([]);
    const value = result.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['b', 'a', 'c']);
    expect(value).toEqual({ b: 'db:8080', a: ['plain', { n: 1, t: true, z: null }], c: 'd' });
    expect(result.envSources.get(JSON.stringify(['b']))).toEqual(['HOST']);
    expect(result.envSources.get(JSON.stringify(['c']))).toEqual(['NONE']);
  });

  it('notes prototype keys by path and neither walks nor copies them', () => {
    const input = JSON.parse(
      '{"a":[{"constructor":{"x":"${env:MISSING}"}}],"__proto__":{"polluted":true},"b":1}',
    ) as unknown;
    const result = interpolateEnv(input, {}, () => undefined);
    expect(result.prototypeKeys).toEqual([['a', 0, 'constructor'], ['__proto__']]);
    expect(result.issues).toEqual([]);
    expect(result.value).toEqual({ a: [{}], b: 1 });
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('collects the strings under secret-named keys at any depth, after interpolation', () => {
    const input = {
      models: { m: { provider: 'openai', apiKey: '${env:KEY}' } },
      tools: [{ config: { headers: { authorization: 'Bearer abc', maxTokens: '12' } } }],
      token: 42,
    };
    const result = interpolateEnv(input, { KEY: 'sk-live' }, () => undefined);
    expect(result.namedSecrets).toEqual(['sk-live', 'Bearer abc']);
    // `KEY` does not look secret by name: the value is a named secret through `apiKey` only.
    expect(result.secrets).toEqual([]);
  });

  it('reports each missing variable at the path of the value that references it', () => {
    const input = { agents: { a: { instructions: 'x ${env:NOPE} y' } }, list: ['${env:ALSO_NOT}'] };
    const result = interpolateEnv(input, {}, (path) => `at ${path.join('.')}`);
    expect(result.issues.map((issue) => [issue.path, issue.location])).toEqual([
      [['agents', 'a', 'instructions'], 'at agents.a.instructions'],
      [['list', 0], 'at list.0'],
    ]);
  });
});
