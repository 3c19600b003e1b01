import type { PluginDeps, Redactor } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeUrl } from './connection-url.js';
import { PostgresStore } from './postgres-store.js';
import { RedisStore } from './redis-store.js';

const saved = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL };
beforeEach(() => {
  delete process.env.REDIS_URL;
  delete process.env.DATABASE_URL;
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function depsWithSecrets(): { deps: PluginDeps; secrets: string[] } {
  const secrets: string[] = [];
  const redactor = { addSecret: (value: string) => secrets.push(value) } as unknown as Redactor;
  return { deps: { baseDir: '/', redactor } as unknown as PluginDeps, secrets };
}

describe('redis and postgres store config (no server needed)', () => {
  it('needs a url from the config or the environment, and says how to give one', async () => {
    const { deps } = depsWithSecrets();
    expect(() => RedisStore.plugin.create({}, deps)).toThrow(/REDIS_URL/);
    expect(() => PostgresStore.plugin.create({}, deps)).toThrow(/DATABASE_URL/);
    try {
      PostgresStore.plugin.create({}, deps);
    } catch (error) {
      expect(error).toMatchObject({ code: 'plugin.config_invalid' });
    }
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const store = await RedisStore.plugin.create({}, deps);
    expect(store.name).toBe('redis');
    await store.close();
  });

  it('registers URL passwords as secrets and never prints them in errors', async () => {
    const { deps, secrets } = depsWithSecrets();
    const redis = await RedisStore.plugin.create({ url: 'redis://user:r3dis-secret@127.0.0.1:1/0' }, deps);
    const postgres = await PostgresStore.plugin.create(
      { url: 'postgres://postgres:pg-secret@127.0.0.1:1/test' },
      deps,
    );
    expect(secrets).toEqual(['r3dis-secret', 'pg-secret']);
    for (const store of [redis, postgres]) {
      const error = await store.get('ns', 'k').then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toMatchObject({ code: 'store.unavailable', retryable: true });
      expect(
        JSON.stringify({ message: (error as Error).message, hint: (error as { hint: string }).hint }),
      ).not.toMatch(/secret/);
      expect((error as Error).message).toContain('127.0.0.1:1');
      await store.close();
    }
  });

  it('describes URLs without credentials or query', () => {
    expect(describeUrl('redis://user:pw@cache.internal:6380/2?x=1')).toBe('redis://cache.internal:6380/2');
    expect(describeUrl('not a url')).toBe('an unparsable URL');
  });

  it('refuses keys too long for the postgres key column before touching the server', async () => {
    const store = new PostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' });
    await expect(store.set('ns', 'k'.repeat(2_000), 1)).rejects.toMatchObject({ code: 'store.unsupported' });
    await store.close();
  });
});
