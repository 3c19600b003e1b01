import { describeQueueConformance } from '@agentry/core/testing';
import { Redis } from 'ioredis';
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
    await dropSchemas(databaseUrl!, schemas);
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

/** Drops the schemas BullMQ created for the tests. */
async function dropSchemas(connectionString: string, schemas: readonly string[]): Promise<void> {
  const { default: pg } = (await import('pg' as string)) as {
    default: {
      Client: new (options: {
        connectionString: string;
      }) => {
        connect(): Promise<void>;
        query(sql: string): Promise<unknown>;
        end(): Promise<void>;
      };
    };
  };
  const client = new pg.Client({ connectionString });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
