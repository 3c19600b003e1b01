import { describeQueueConformance } from '@agentry/core/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { BullmqQueue } from './bullmq-queue.js';

const redisUrl = process.env.REDIS_URL;
const databaseUrl = process.env.DATABASE_URL;
const tag = `${process.pid}_${Date.now().toString(36)}`;
let counter = 0;
let prefix = '';
/** A fresh key prefix / schema per test, so tests (and helpers sharing the servers) never see each other's jobs. */
const nextPrefix = () => {
  counter += 1;
  prefix = `agentry_qtest_${tag}_${counter}`;
};

describe.skipIf(!redisUrl)('BullmqQueue on Redis (needs REDIS_URL)', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    const redis = new Redis(redisUrl!);
    for (const used of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${used}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
    await redis.quit();
  });
  describeQueueConformance({
    name: 'bullmq (redis)',
    reset: () => {
      nextPrefix();
      prefixes.push(prefix);
    },
    create: () => new BullmqQueue({ url: redisUrl!, prefix, stalledIntervalMs: 1000 }),
  });
});

describe.skipIf(!databaseUrl)('BullmqQueue on PostgreSQL (needs DATABASE_URL)', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  describeQueueConformance({
    name: 'bullmq (postgres)',
    reset: () => {
      nextPrefix();
      schemas.push(prefix);
    },
    create: () => new BullmqQueue({ url: databaseUrl!, prefix, stalledIntervalMs: 1000 }),
  });
});
