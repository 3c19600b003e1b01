import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite-driver.js';
import { SqliteStore } from './sqlite-store.js';
import { START_AFTER_WRITES, WalCopier } from './sqlite-wal-copier.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentry-wal-copier-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The driver `openSqlite` picks on this Node version. */
const driver = Number(process.versions.node.split('.')[0]) >= 24 ? 'node:sqlite' : 'better-sqlite3';

/** Polls `check` every 20 ms for up to 10 s. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('WalCopier', () => {
  it('copies the WAL into the database file on a worker once the connection has written enough', async () => {
    const path = join(root, 'copied.db');
    const db = await openSqlite(path, 5_000);
    db.exec('PRAGMA journal_mode = WAL');
    // No automatic checkpoint on this connection: only the copier moves pages into the database file.
    db.exec('PRAGMA wal_autocheckpoint = 0');
    db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)');
    const insert = db.prepare<[string, string]>('INSERT INTO kv (key, value) VALUES (?, ?)');
    const copier = new WalCopier(path, db.driver);
    const text = 'x'.repeat(4_000);
    for (let index = 0; index < START_AFTER_WRITES - 1; index += 1) {
      insert.run(`k${index}`, text);
      copier.wrote();
    }
    expect(copier.running).toBe(false);
    const before = statSync(path).size;
    // ~1 MB in the WAL, a few pages in the database file.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(900_000);
    expect(before).toBeLessThan(100_000);
    insert.run('last', text);
    copier.wrote();
    expect(copier.running).toBe(true);
    expect(await eventually(() => statSync(path).size > 900_000)).toBe(true);
    await copier.close();
    expect(copier.running).toBe(false);
    db.close();
  });

  it('closes its connection when the store closes, so SQLite removes the WAL file', async () => {
    const path = join(root, 'closed.db');
    const store = new SqliteStore({ path });
    for (let index = 0; index < START_AFTER_WRITES + 10; index += 1)
      await store.set('ns', `k${index}`, index);
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
    // The last connection to close deletes the WAL: the worker's was closed first.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new SqliteStore({ path });
    expect(await reopened.get('ns', `k${START_AFTER_WRITES + 9}`)).toBe(START_AFTER_WRITES + 9);
    await reopened.close();
  });

  it('never starts after close, and a worker that cannot open the file leaves writes working', async () => {
    const closed = new WalCopier(join(root, 'never.db'), driver);
    await closed.close();
    for (let index = 0; index < START_AFTER_WRITES + 1; index += 1) closed.wrote();
    expect(closed.running).toBe(false);

    const missing = new WalCopier(join(root, 'no-such-directory', 'x.db'), driver);
    for (let index = 0; index < START_AFTER_WRITES; index += 1) missing.wrote();
    expect(await eventually(() => !missing.running)).toBe(true);
    missing.wrote();
    await missing.close();
  });
});
