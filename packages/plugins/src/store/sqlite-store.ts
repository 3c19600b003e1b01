/** `SqliteStore` (builtin `sqlite`, the embedded default): one SQLite file through better-sqlite3, WAL mode, SQL leases. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { definePlugin } from '@agentry/core';
import { KeyvStore, type KeyvStoreConnection } from '@agentry/core/plugin';
import { z } from 'zod';
import { SqliteKeyvAdapter, SqliteLeases } from './sqlite-adapter.js';
import { openSqlite, type SqliteConnection } from './sqlite-driver.js';
import { WalCopier } from './sqlite-wal-copier.js';

/** Default database file, relative to the config file's directory. */
export const DEFAULT_SQLITE_PATH = '.agentry/agentry.db';

const TABLE = 'agentry_store';
const LEASES = 'agentry_leases';
const PAGE = 500;
/** Page size of a new database file, in bytes. */
const PAGE_SIZE = 8192;

/** Options of `new SqliteStore()`. */
export interface SqliteStoreOptions {
  /** Database file; relative paths resolve against the working directory. Its directory is created. */
  path: string;
  /** How long a write waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * The embedded default store: one SQLite file (`.agentry/agentry.db` next to
 * the config by default). Opens one better-sqlite3 connection lazily, behind a
 * keyv adapter with prepared statements, and sets `journal_mode=WAL` +
 * `synchronous=NORMAL` on it (a committed write survives a process crash; the
 * last writes may be lost on power failure). A new file gets 8 KiB pages. Leases live in the
 * `agentry_leases` table of the same file, taken with one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING` statement, so
 * several processes can share the file. Statements run synchronously: a write
 * that meets another process's lock waits for it (up to `busyTimeoutMs`).
 * After its 256th write a connection has a worker thread copy the WAL into the
 * database file (`WalCopier`), so commits rarely wait for that copy.
 */
export class SqliteStore extends KeyvStore {
  /** Plugin definition: `store: sqlite` or `{ type: sqlite, config: { path } }`. */
  static readonly plugin = definePlugin({
    kind: 'store',
    name: 'sqlite',
    description: 'Embedded SQLite file store (default .agentry/agentry.db); leases work across processes',
    configSchema: z
      .object({
        path: z
          .string()
          .min(1)
          .optional()
          .describe(`Database file, relative to the config file (default ${DEFAULT_SQLITE_PATH})`),
      })
      .strict(),
    create: (config, deps) =>
      new SqliteStore({ path: resolve(deps.baseDir, config.path ?? DEFAULT_SQLITE_PATH) }),
  });

  /** Absolute path of the database file. */
  readonly path: string;
  private readonly busyTimeoutMs: number;

  constructor(options: SqliteStoreOptions) {
    const path = resolve(options.path);
    super({
      name: 'sqlite',
      target: `SQLite file ${path}`,
      hint: `Check that ${path} is on a writable, local disk, that its directory can be created, and that no other program holds a long write lock on it.`,
      // Statements run synchronously: no timer could fire before one ends (a lock waits up to busyTimeoutMs).
      operationTimeoutMs: 0,
    });
    this.path = path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    await mkdir(dirname(this.path), { recursive: true });
    const connection = await openSqlite(this.path, this.busyTimeoutMs);
    const copier = new WalCopier(this.path, connection.driver);
    const db = countingWrites(connection, () => copier.wrote());
    let adapter: SqliteKeyvAdapter;
    let leases: SqliteLeases;
    try {
      // A new file gets 8 KiB pages (an existing one keeps its size): a checkpoint head of up to ~8 KB then
      // fits one page, so a save appends one WAL frame where 4 KiB pages took two (a head page and its
      // overflow page); see docs/decisions/2026-12-06-event-pieces.md.
      db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      leases = new SqliteLeases(db, LEASES);
      adapter = new SqliteKeyvAdapter(db, TABLE, LEASES);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      adapter,
      leases,
      fencedWrite: async (fence, entries, options) =>
        adapter.writeIfHeld(
          fence.lease,
          fence.token,
          options.now,
          entries.map(({ key, entry }) => ({ key, value: entry })),
          () => leases.holds(fence.lease, fence.token, options.now),
        ),
      // Checks, writes and gives the fence's lease up in one BEGIN IMMEDIATE transaction.
      writeIf: async (entries, condition, options) => {
        const { fence, unleased, expect, releaseFence } = condition;
        let outcome: 'written' | 'unmet' | 'fenced' = 'written';
        adapter.writeIf(
          () => {
            if (fence !== undefined && !leases.holds(fence.lease, fence.token, options.now))
              outcome = 'fenced';
            else if (unleased !== undefined && leases.held(unleased, options.now)) outcome = 'unmet';
            else if (expect !== undefined && adapter.storedText(expect.key) !== expect.entry)
              outcome = 'unmet';
            return outcome === 'written';
          },
          entries.map(({ key, entry }) => ({ key, value: entry })),
          () => {
            if (fence !== undefined && releaseFence === true) leases.releaseToken(fence.lease, fence.token);
          },
        );
        return outcome;
      },
      writeMany: (entries) => adapter.setMany(entries.map(({ key, entry }) => ({ key, value: entry }))),
      async *listRaw(prefix: string) {
        // Keys of one namespace share `prefix`, which ends with ':'; ';' is the next character.
        const end = `${prefix.slice(0, -1)};`;
        let after = prefix;
        for (;;) {
          const rows = adapter.page(after, end, PAGE);
          for (const row of rows) yield [row.key, row.value] as const;
          if (rows.length < PAGE) return;
          after = rows[rows.length - 1]!.key;
        }
      },
      close: async () => {
        await copier.close();
        await adapter.disconnect();
      },
    };
  }
}

/** `db` with `onWrite` called after each statement it runs (`run`, `exec`): what the WAL copier counts. */
function countingWrites(db: SqliteConnection, onWrite: () => void): SqliteConnection {
  return {
    get driver() {
      return db.driver;
    },
    get open() {
      return db.open;
    },
    exec: (sql) => {
      db.exec(sql);
      onWrite();
    },
    prepare: <Parameters extends unknown[], Row>(sql: string) => {
      const statement = db.prepare<Parameters, Row>(sql);
      return {
        run: (...parameters: Parameters) => {
          const result = statement.run(...parameters);
          onWrite();
          return result;
        },
        get: (...parameters: Parameters) => statement.get(...parameters),
        all: (...parameters: Parameters) => statement.all(...parameters),
      };
    },
    transaction: (body) => db.transaction(body),
    immediate: (body) => db.immediate(body),
    close: () => db.close(),
  };
}
