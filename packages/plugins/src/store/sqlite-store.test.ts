import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
