import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis-store.js';
import { printZombieReport, runZombieCycles } from './zombie-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-zombie-redis-'));
const url = process.env.REDIS_URL;
const prefix = `agentry-zombie:${process.pid}:${Date.now().toString(36)}:`;
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (url === undefined) return;
  // Deletes every key of this file (entries, lease hashes, token counters) with a plain client.
  const { createClient } = (await import('@redis/client' as string)) as {
    createClient: (options: { url: string }) => RedisClient;
  };
  const client = createClient({ url });
  await client.connect();
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  if (keys.length > 0) await client.del(keys);
  await client.close();
});

interface RedisClient {
  connect(): Promise<unknown>;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  del(keys: string[]): Promise<unknown>;
  close(): Promise<unknown>;
}

const CYCLES = Number(process.env.AGENTRY_ZOMBIE_CYCLES ?? 10);

describe.skipIf(!url || process.platform !== 'linux')(
  'a paused owner never runs a side effect after losing its run lease (redis)',
  () => {
    it(
      `runs the unsafe call once and refuses the zombie's writes over ${CYCLES} SIGSTOP/takeover/SIGCONT cycles`,
      async () => {
        const spec = { kind: 'redis' as const, url: url!, prefix };
        const report = await runZombieCycles(spec, new RedisStore({ url: url!, prefix }), root, CYCLES);
        printZombieReport('redis', report);
        expect(report.failures).toEqual([]);
        expect(report).toMatchObject({ doubleExecutions: 0, zombieEffects: 0, staleWritesAccepted: 0 });
        expect(report.cycleMs).toHaveLength(CYCLES);
      },
      60_000 + CYCLES * 20_000,
    );
  },
);
