import { describeStoreConformance } from '@agentry/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from './postgres-store.js';

const url = process.env.DATABASE_URL;
const schema = `agentry_test_${process.pid}_${Date.now().toString(36)}`;
let counter = 0;
const nextId = () => {
  counter += 1;
  return counter;
};

/** Drops this file's schema with a plain pg client (pg comes with @keyv/postgres). */
async function dropSchema(): Promise<void> {
  const { default: pg } = (await import('pg' as string)) as {
    default: { Client: new (options: { connectionString: string }) => PgClient };
  };
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

describe.skipIf(!url)('PostgresStore (needs DATABASE_URL)', () => {
  afterAll(async () => {
    await dropSchema();
  });

  describeStoreConformance({
    name: 'postgres',
    create: () => new PostgresStore({ url: url!, schema, table: `entries_${nextId()}` }),
    unreachable: () =>
      new PostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test', schema, table: 'nowhere' }),
  });

  it('stores of several processes opening a new schema at once all open (their table creations race)', async () => {
    // Distinct URLs give each store its own pool, as separate processes have; eight at once, on twelve new
    // tables, make PostgreSQL's race between concurrent `CREATE TABLE IF NOT EXISTS` likely.
    for (let round = 0; round < 12; round += 1) {
      const table = `race_${nextId()}`;
      const stores = Array.from(
        { length: 8 },
        (_, index) => new PostgresStore({ url: `${url!}?application_name=race${index}`, schema, table }),
      );
      const opened = await Promise.allSettled(stores.map((store) => store.acquireLease('l', 'o', 1_000)));
      await Promise.all(stores.map((store) => store.close()));
      expect(opened.filter((result) => result.status === 'rejected')).toEqual([]);
    }
  });

  it('stores on two URLs in one process keep their own pools: closing one leaves the other working', async () => {
    const table = `two_urls_${nextId()}`;
    const first = new PostgresStore({ url: `${url!}?application_name=first`, schema, table });
    await first.set('ns', 'k', 'one');
    const second = new PostgresStore({ url: `${url!}?application_name=second`, schema, table });
    await second.set('ns', 'k', 'two');
    await first.close();
    expect(await second.get('ns', 'k')).toBe('two');
    await second.close();
  });

  it('shares data and leases between two open stores on one URL, and closing one keeps the other working', async () => {
    const table = `shared_${nextId()}`;
    const one = new PostgresStore({ url: url!, schema, table });
    const two = new PostgresStore({ url: url!, schema, table });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 ? one : two).acquireLease('s', `owner-${index}`, 30_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await one.set('ns', 'k', { from: 'one' });
    await one.close();
    expect(await two.get('ns', 'k')).toEqual({ from: 'one' });
    await two.close();
  });

  it('writes batches of every size whole (listed rows and arrays alike), fenced and not, and refuses a stale fenced one entirely', async () => {
    const store = new PostgresStore({ url: url!, schema, table: `batches_${nextId()}` });
    const lease = (await store.acquireLease('batches', 'owner', 30_000))!;
    const fence = { lease: lease.name, token: lease.token };
    const batch = (size: number, tag: string) =>
      Array.from({ length: size }, (_, index) => ({
        namespace: `n${index % 2}`,
        key: `${size}-${index}`,
        text: JSON.stringify({ tag, index, quote: 'a "quoted" \\ value' }),
      }));
    const sizes = [1, 2, 7, 8, 9, 20];
    for (const size of sizes) {
      await store.setBatch(batch(size, 'plain'));
      await store.setBatch(batch(size, 'deferred'), { deferFlush: true });
      await store.setBatch(batch(size, 'fenced'), { fence, deferFlush: size % 2 === 0 });
    }
    for (const size of sizes) {
      const written = await Promise.all(
        batch(size, '').map((entry) => store.get(entry.namespace, entry.key)),
      );
      expect(written).toEqual(
        batch(size, 'fenced').map((_, index) => ({ tag: 'fenced', index, quote: 'a "quoted" \\ value' })),
      );
    }
    await store.releaseLease(lease);
    await store.acquireLease('batches', 'another owner', 30_000);
    for (const size of [1, 9]) {
      await expect(store.setBatch(batch(size, 'stale'), { fence })).rejects.toMatchObject({
        code: 'store.lease_lost',
      });
      expect(await store.get('n0', `${size}-0`)).toMatchObject({ tag: 'fenced' });
    }
    await store.close();
  });

  it('refuses table and schema names that are not plain identifiers', () => {
    expect(
      PostgresStore.plugin.configSchema.safeParse({ url: 'postgres://x', table: 'x; drop' }).success,
    ).toBe(false);
    expect(() => new PostgresStore({ url: 'postgres://x', schema: 'Bad-Name' })).toThrow(/identifier/);
  });
});
