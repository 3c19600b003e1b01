/** PostgresStore with the opt-in `synchronousCommit: 'off'`: the full store contract, and one setting per pool. */
import { describeStoreConformance } from '@agentry/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from './postgres-store.js';

const url = process.env.DATABASE_URL;
const schema = `agentry_test_async_${process.pid}_${Date.now().toString(36)}`;
let counter = 0;
const nextTable = () => {
  counter += 1;
  return `entries_${counter}`;
};

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

describe.skipIf(!url)("PostgresStore with synchronousCommit 'off' (needs DATABASE_URL)", () => {
  afterAll(async () => {
    const { default: pg } = (await import('pg' as string)) as {
      default: { Client: new (options: { connectionString: string }) => PgClient };
    };
    const client = new pg.Client({ connectionString: url! });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  describeStoreConformance({
    name: 'postgres (synchronousCommit off)',
    create: () => new PostgresStore({ url: url!, schema, table: nextTable(), synchronousCommit: 'off' }),
  });

  it('refuses a second open store on the same url with another synchronousCommit, with a hint', async () => {
    const table = nextTable();
    const fast = new PostgresStore({ url: url!, schema, table, synchronousCommit: 'off' });
    const safe = new PostgresStore({ url: url!, schema, table });
    await fast.set('ns', 'k', 1);
    await expect(safe.get('ns', 'k')).rejects.toMatchObject({
      code: 'store.unsupported',
      hint: expect.stringContaining('same synchronousCommit'),
    });
    await fast.close();
    // Once the other store is closed, the pool is rebuilt with this store's setting.
    expect(await safe.get('ns', 'k')).toBe(1);
    await safe.close();
  });

  it('takes synchronousCommit from the plugin config and rejects other values', () => {
    const schemaOf = PostgresStore.plugin.configSchema;
    expect(schemaOf.safeParse({ url: 'postgres://x', synchronousCommit: 'off' }).success).toBe(true);
    expect(schemaOf.safeParse({ url: 'postgres://x', synchronousCommit: 'local' }).success).toBe(false);
    expect(
      () => new PostgresStore({ url: 'postgres://x', synchronousCommit: 'fast' as unknown as 'off' }),
    ).toThrow(/synchronousCommit must be 'on' or 'off'/);
  });
});
