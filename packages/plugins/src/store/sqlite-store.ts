/** `SqliteStore` (builtin `sqlite`, the embedded default): one SQLite file via @keyv/sqlite, WAL mode, SQL leases. */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  definePlugin,
  KeyvStore,
  type KeyvStoreConnection,
  type Lease,
  type LeaseBackend,
} from '@agentry/core';
import { KeyvSqlite } from '@keyv/sqlite';
import { z } from 'zod';

/** Default database file, relative to the config file's directory. */
export const DEFAULT_SQLITE_PATH = '.agentry/agentry.db';

const TABLE = 'agentry_store';
const LEASES = 'agentry_leases';
const PAGE = 500;

/** Options of `new SqliteStore()`. */
export interface SqliteStoreOptions {
  /** Database file; relative paths resolve against the working directory. Its directory is created. */
  path: string;
  /** How long a write waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

type Query = (sql: string, ...parameters: unknown[]) => Promise<Record<string, unknown>[]>;

interface LeaseRow {
  name: string;
  owner: string;
  token: number;
  expires_at: number;
}

const toLease = (row: Record<string, unknown> | undefined): Lease | undefined => {
  if (row === undefined) return undefined;
  const lease = row as unknown as LeaseRow;
  return {
    name: lease.name,
    owner: lease.owner,
    token: Number(lease.token),
    expiresAt: Number(lease.expires_at),
  };
};

/** Rows per multi-row upsert (well under SQLite's bound-parameter limit). */
const UPSERT_BATCH = 400;

/**
 * @keyv/sqlite with single-statement writes: `setMany` is one multi-row upsert
 * per batch (one transaction, instead of one per entry), `delete` one
 * `DELETE … RETURNING` (instead of a SELECT first). Same table and values.
 */
class BatchedKeyvSqlite extends KeyvSqlite {
  /** keyv uses an adapter's `setMany` when it has one. */
  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    for (let start = 0; start < entries.length; start += UPSERT_BATCH) {
      const batch = entries.slice(start, start + UPSERT_BATCH);
      const parameters: unknown[] = [];
      for (const entry of batch) parameters.push(entry.key, entry.value);
      await this.query(
        `INSERT INTO ${TABLE} (key, value) VALUES ${batch.map(() => '(?, ?)').join(', ')}
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        ...parameters,
      );
    }
  }

  override async delete(key: string): Promise<boolean> {
    const rows = (await this.query(`DELETE FROM ${TABLE} WHERE key = ? RETURNING key`, key)) as unknown[];
    return rows.length > 0;
  }
}

/** Leases in the `agentry_leases` table; each operation is one SQL statement, so it is atomic across processes. */
class SqliteLeases implements LeaseBackend {
  constructor(private readonly query: Query) {}

  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const rows = await this.query(
      `INSERT INTO ${LEASES} (name, owner, token, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT(name) DO UPDATE SET
         token = CASE WHEN ${LEASES}.owner = excluded.owner AND ${LEASES}.expires_at > ?
                      THEN ${LEASES}.token ELSE ${LEASES}.token + 1 END,
         owner = excluded.owner,
         expires_at = excluded.expires_at
       WHERE ${LEASES}.expires_at <= ? OR ${LEASES}.owner = excluded.owner
       RETURNING name, owner, token, expires_at`,
      [name, owner, now + ttlMs, now, now],
    );
    return toLease(rows[0]);
  }

  async renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const rows = await this.query(
      `UPDATE ${LEASES} SET expires_at = ? WHERE name = ? AND owner = ? AND token = ? AND expires_at > ?
       RETURNING name, owner, token, expires_at`,
      [now + ttlMs, lease.name, lease.owner, lease.token, now],
    );
    return toLease(rows[0]);
  }

  async release(lease: Lease): Promise<void> {
    await this.query(`UPDATE ${LEASES} SET expires_at = 0 WHERE name = ? AND owner = ? AND token = ?`, [
      lease.name,
      lease.owner,
      lease.token,
    ]);
  }

  async read(name: string, now: number): Promise<Lease | undefined> {
    const rows = await this.query(
      `SELECT name, owner, token, expires_at FROM ${LEASES} WHERE name = ? AND expires_at > ?`,
      [name, now],
    );
    return toLease(rows[0]);
  }
}

/**
 * The embedded default store: one SQLite file (`.agentry/agentry.db` next to
 * the config by default). Opens one connection lazily through @keyv/sqlite
 * and sets `journal_mode=WAL` + `synchronous=NORMAL` on it (a committed write
 * survives a process crash; the last writes may be lost on power failure).
 * Leases live in the `agentry_leases` table of the same file, taken with one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING` statement on the
 * adapter's own connection, so several processes can share the file.
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
    });
    this.path = path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    await mkdir(dirname(this.path), { recursive: true });
    const adapter = new BatchedKeyvSqlite({
      uri: `sqlite://${this.path}`,
      table: TABLE,
      busyTimeout: this.busyTimeoutMs,
    });
    adapter.on('error', () => {
      // Failures surface as rejected operations; the event would only duplicate them.
    });
    const query: Query = (sql, ...parameters) =>
      adapter.query(sql, ...parameters) as Promise<Record<string, unknown>[]>;
    try {
      await query('PRAGMA journal_mode = WAL');
      await query('PRAGMA synchronous = NORMAL');
      await query(
        `CREATE TABLE IF NOT EXISTS ${LEASES} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
      );
    } catch (error) {
      await adapter.disconnect().catch(() => undefined);
      throw error;
    }
    return {
      adapter,
      leases: new SqliteLeases(query),
      async *listRaw(prefix: string) {
        // Keys of one namespace share `prefix`, which ends with ':'; ';' is the next character.
        const end = `${prefix.slice(0, -1)};`;
        let after = prefix;
        for (;;) {
          const rows = await query(
            `SELECT key, value FROM ${TABLE} WHERE key > ? AND key < ? ORDER BY key LIMIT ${PAGE}`,
            [after, end],
          );
          for (const row of rows) yield [String(row.key), row.value] as const;
          if (rows.length < PAGE) return;
          after = String(rows[rows.length - 1]!.key);
        }
      },
      close: () => adapter.disconnect(),
    };
  }
}
