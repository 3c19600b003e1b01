import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { isAgentryError, type Store } from '@agentry/core';
import { describeStoreConformance } from '@agentry/core/testing';
import { createClient } from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';

const url = process.env.REDIS_URL;
const run = `agentry-test:${process.pid}-${Date.now()}:`;
let counter = 0;
const nextId = () => {
  counter += 1;
  return counter;
};

async function deletePrefix(prefix: string): Promise<void> {
  const client = createClient(url === undefined ? {} : { url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await client.del(keys);
  }
  await client.close();
}

async function sparePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.skipIf(!url)('RedisStore (needs REDIS_URL)', () => {
  afterAll(async () => {
    await deletePrefix(run);
  });

  describeStoreConformance({
    name: 'redis',
    create: () => new RedisStore({ url: url!, prefix: `${run}${nextId()}:` }),
    unreachable: () => new RedisStore({ url: 'redis://127.0.0.1:1', prefix: run }),
  });

  it('shares leases between two store instances (like two processes)', async () => {
    const prefix = `${run}shared:`;
    const one = new RedisStore({ url: url!, prefix });
    const two = new RedisStore({ url: url!, prefix });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 ? one : two).acquireLease('s', `owner-${index}`, 30_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await one.set('ns', 'k', 1);
    expect(await two.get('ns', 'k')).toBe(1);
    await one.close();
    await two.close();
  });

  it('fails with a retryable store.unavailable, without hanging, once its Redis server dies, and recovers', async () => {
    const port = await sparePort();
    const start = (): ChildProcess =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
    let server = start();
    const store: Store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: run });
    try {
      const waitUntilUp = async () => {
        for (let attempt = 0; attempt < 100; attempt += 1) {
          if ((await failure(store.get('ns', 'probe'))) === undefined) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('redis-server did not come up');
      };
      await waitUntilUp();
      await store.set('ns', 'k', { alive: true });
      expect(await store.get('ns', 'k')).toEqual({ alive: true });

      server.kill('SIGKILL');
      await once(server, 'exit');
      for (const attempt of [
        store.set('ns', 'k', 2),
        store.get('ns', 'k'),
        store.acquireLease('l', 'o', 1000),
      ]) {
        const error = await failure(attempt);
        expect(isAgentryError(error), String(error)).toBe(true);
        expect(error).toMatchObject({ code: 'store.unavailable', retryable: true });
        expect((error as Error).message).toContain(`127.0.0.1:${port}`);
      }

      server = start();
      await waitUntilUp();
      await store.set('ns', 'k', 3);
      expect(await store.get('ns', 'k')).toBe(3);
    } finally {
      await store.close();
      server.kill('SIGKILL');
    }
  }, 90_000);
});
