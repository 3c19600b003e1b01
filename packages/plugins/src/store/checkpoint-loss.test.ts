/** A durable run on SQLite whose checkpoint head is lost or unreadable is parked and runs no call again. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCheckpointLossConformance } from '@agentry/core/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'agentry-checkpoint-loss-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const paths = new WeakMap<object, string>();
let counter = 0;

describeCheckpointLossConformance({
  name: 'sqlite',
  create: () => {
    counter += 1;
    const path = join(root, `store-${counter}.db`);
    const store = new SqliteStore({ path });
    paths.set(store, path);
    return store;
  },
  // Overwrites the head row behind the store's back, as a torn write or a stray tool would.
  writeRawHead: async (store, runId, text) => {
    const db = new Database(paths.get(store)!);
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%value TEXT%'")
        .all() as {
        name: string;
      }[];
      let changed = 0;
      for (const { name } of tables) {
        const update = db.prepare(
          `UPDATE ${name} SET value = ? WHERE key LIKE '%checkpoints%' AND key LIKE ?`,
        );
        changed += update.run(text, `%:${runId}`).changes;
      }
      if (changed !== 1) throw new Error(`expected one head row of run ${runId}, changed ${changed}`);
    } finally {
      db.close();
    }
  },
});
