/** A durable run on Redis or PostgreSQL whose checkpoint head is lost is parked and runs no call again. */
import { describeCheckpointLossConformance } from '@agentry/core/testing';
import { createClient } from '@keyv/redis';
import { afterAll, describe } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { RedisStore } from './redis-store.js';

const redisUrl = process.env.REDIS_URL;
const redisOptions = redisUrl === undefined ? {} : { url: redisUrl };
const databaseUrl = process.env.DATABASE_URL;
const tag = `${process.pid}_${Date.now().toString(36)}`;
const redisPrefix = `agentry-loss:${tag}:`;
const schema = `agentry_loss_${tag}`;
let counter = 0;

describe.skipIf(!redisUrl)('checkpoint loss on Redis (needs REDIS_URL)', () => {
  afterAll(async () => {
    const client = createClient(redisOptions);
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
    await client.close();
  });
  describeCheckpointLossConformance({
    name: 'redis',
    create: () => {
      counter += 1;
      return new RedisStore({ url: redisUrl!, prefix: `${redisPrefix}${counter}:` });
    },
    writeRawHead: async (_store, runId, text) => {
      const client = createClient(redisOptions);
      await client.connect();
      try {
        let changed = 0;
        for await (const keys of client.scanIterator({
          MATCH: `${redisPrefix}*checkpoints*:${runId}`,
          COUNT: 1000,
        })) {
          for (const key of keys) {
            await client.set(key, text);
            changed += 1;
          }
        }
        if (changed !== 1) throw new Error(`expected one head key of run ${runId}, changed ${changed}`);
      } finally {
        await client.close();
      }
    },
  });
});

describe.skipIf(!databaseUrl)('checkpoint loss on PostgreSQL (needs DATABASE_URL)', () => {
  afterAll(async () => {
    const { default: pg } = (await import('pg' as string)) as {
      default: { Client: new (options: { connectionString: string }) => PgClient };
    };
    const client = new pg.Client({ connectionString: databaseUrl! });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  describeCheckpointLossConformance({
    name: 'postgres',
    create: () => {
      counter += 1;
      return new PostgresStore({ url: databaseUrl!, schema, table: `entries_${counter}` });
    },
  });
});

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
