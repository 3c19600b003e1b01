import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PluginDeps, Store } from '@agentry/core';
import { describeStoreConformance } from '@agentry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite-driver.js';
import { SqliteStore } from './sqlite-store.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentry-sqlite-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const nextId = () => {
  counter += 1;
  return counter;
};
const freshPath = () => join(root, `case-${nextId()}`, 'store.db');

describeStoreConformance({
  name: 'sqlite',
  create: () => new SqliteStore({ path: freshPath() }),
  unreachable: async () => {
    const blocker = join(root, `not-a-directory-${nextId()}`);
    await writeFile(blocker, 'a file where the database directory should be');
    return new SqliteStore({ path: join(blocker, 'store.db') });
  },
});

describe('SqliteStore', () => {
  it('defaults to .agentry/agentry.db under the config directory and creates that directory', async () => {
    const baseDir = join(root, 'project');
    const store = (await SqliteStore.plugin.create(SqliteStore.plugin.configSchema.parse({}), {
      baseDir,
    } as PluginDeps)) as SqliteStore;
    expect(store.path).toBe(join(baseDir, '.agentry', 'agentry.db'));
    await store.set('ns', 'k', 'v');
    await store.close();
    const reopened = new SqliteStore({ path: join(baseDir, '.agentry', 'agentry.db') });
    expect(await reopened.get('ns', 'k')).toBe('v');
    await reopened.close();
  });

  it('rejects unknown config keys', () => {
    expect(SqliteStore.plugin.configSchema.safeParse({ path: 'x.db', url: 'y' }).success).toBe(false);
  });

  it('shares data and leases between two store instances on one file, with increasing tokens', async () => {
    const path = freshPath();
    const one: Store = new SqliteStore({ path });
    const two: Store = new SqliteStore({ path });
    await one.set('runs', 'r1', { step: 1 });
    expect(await two.get('runs', 'r1')).toEqual({ step: 1 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        (index % 2 ? one : two).acquireLease('session', `owner-${index}`, 30_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const held = results.find(Boolean)!;
    await (held.owner === 'owner-0' ? one : two).releaseLease(held);
    const next = await one.acquireLease('session', 'owner-next', 30_000);
    expect(next!.token).toBeGreaterThan(held.token);
    await one.close();
    await two.close();
  });

  it('runs in WAL mode', async () => {
    const path = freshPath();
    const store = new SqliteStore({ path });
    await store.set('ns', 'k', 1);
    await store.close();
    const database = await openSqlite(path, 1_000);
    const mode = database.prepare<[], { journal_mode: string }>('PRAGMA journal_mode').get();
    database.close();
    expect(mode?.journal_mode).toBe('wal');
  });

  it('gives a new file 8 KiB pages and keeps the page size of an existing file', async () => {
    const pageSize = async (path: string) => {
      const database = await openSqlite(path, 1_000);
      const row = database.prepare<[], { page_size: number }>('PRAGMA page_size').get();
      database.close();
      return row?.page_size;
    };
    const fresh = freshPath();
    const store = new SqliteStore({ path: fresh });
    await store.set('ns', 'k', 'x'.repeat(6_000));
    await store.close();
    expect(await pageSize(fresh)).toBe(8192);

    const existing = freshPath();
    await mkdir(dirname(existing), { recursive: true });
    const older = await openSqlite(existing, 1_000);
    older.exec('PRAGMA page_size = 4096');
    older.exec('CREATE TABLE earlier (a TEXT)');
    older.close();
    const reopened = new SqliteStore({ path: existing });
    await reopened.set('ns', 'k', 'kept');
    expect(await reopened.get('ns', 'k')).toBe('kept');
    await reopened.close();
    expect(await pageSize(existing)).toBe(4096);
  });

  it.each([400, 450])(
    'writes a fenced batch of %i entries (one statement takes 400) whole, and a stale one not at all',
    async (count) => {
      const store = new SqliteStore({ path: freshPath() });
      const lease = await store.acquireLease('run:big', 'first', 30_000);
      const fence = { lease: 'run:big', token: lease!.token };
      const entries = (value: string) =>
        Array.from({ length: count }, (_, index) => ({ namespace: 'big', key: `k${index}`, value }));
      await store.setBatch!(entries('first'), { fence });
      expect(await store.get('big', `k${count - 1}`)).toBe('first');
      await store.releaseLease(lease!);
      await store.acquireLease('run:big', 'second', 30_000);
      const error = await store.setBatch!(entries('stale'), { fence }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'store.lease_lost' });
      expect(await store.get('big', 'k0')).toBe('first');
      expect(await store.get('big', `k${count - 1}`)).toBe('first');
      await store.close();
    },
  );

  it('fails a fenced write blocked by another connection past busyTimeoutMs as retryable, with nothing written', async () => {
    const path = freshPath();
    const store = new SqliteStore({ path, busyTimeoutMs: 50 });
    const lease = await store.acquireLease('run:r1', 'owner', 30_000);
    const fence = { lease: 'run:r1', token: lease!.token };
    const other = await openSqlite(path, 1_000);
    other.exec('BEGIN IMMEDIATE');
    const batch = [
      { namespace: 'ns', key: 'a', value: 1 },
      { namespace: 'ns', key: 'b', value: 2 },
    ];
    const error = await store.setBatch!(batch, { fence }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'store.unavailable', retryable: true });
    other.exec('ROLLBACK');
    other.close();
    expect(await store.get('ns', 'a')).toBeUndefined();
    await store.setBatch!(batch, { fence });
    expect(await store.getMany('ns', ['a', 'b'])).toEqual([1, 2]);
    await store.close();
  });

  it('fails a write blocked by another connection past busyTimeoutMs with a retryable error, and writes once the lock is gone', async () => {
    const path = freshPath();
    const store = new SqliteStore({ path, busyTimeoutMs: 50 });
    await store.set('ns', 'k', 'first');
    const other = await openSqlite(path, 1_000);
    other.exec('BEGIN IMMEDIATE');
    const error = await store.set('ns', 'k', 'second').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'store.unavailable', retryable: true });
    expect((error as Error).message).toContain(path);
    other.exec('ROLLBACK');
    other.close();
    await store.set('ns', 'k', 'second');
    expect(await store.get('ns', 'k')).toBe('second');
    await store.close();
  });
});
