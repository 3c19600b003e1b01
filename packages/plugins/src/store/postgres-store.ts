/** `PostgresStore` (builtin `postgres`): a shared PostgreSQL via @keyv/postgres, leases by one SQL upsert. */
import type { EventEmitter } from 'node:events';
import { definePlugin, StoreError } from '@agentry/core';
import { KeyvStore, type KeyvStoreConnection } from '@agentry/core/plugin';
import type KeyvPostgres from '@keyv/postgres';
import { z } from 'zod';
import { describeUrl, registerUrlSecret, resolveUrl } from './connection-url.js';
import { PostgresConditionalWrites } from './postgres-conditional.js';
import { PostgresLeases } from './postgres-leases.js';
import { PreparedKeyvPostgres, type PreparedQuery } from './postgres-statements.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,50}$/;
const KEY_SIZE = 1024;
const PAGE = 500;

/** Options of `new PostgresStore()`. */
export interface PostgresStoreOptions {
  /** `postgres://user[:password]@host:port/database`. */
  url: string;
  /** Table of entries (lower-case identifier). Default `agentry_store`; leases go to `<table>_leases`. */
  table?: string;
  /** Schema, created when missing. Default `public`. */
  schema?: string;
  /** How long connecting may take before operations fail. Default 3000 ms. */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL `synchronous_commit` for this store's sessions. `'on'` (default):
   * a write is acknowledged once its commit is flushed to disk. `'off'` (opt-in):
   * acknowledged before the flush, several times faster per write; a crash of the
   * PostgreSQL server (not of Agentry) may lose the last few hundred ms of
   * acknowledged writes (at most 3× `wal_writer_delay`), but never corrupts or
   * half-applies them: a durable run then resumes from an earlier checkpoint.
   * Stores on the same url in one process share a pool and must agree.
   */
  synchronousCommit?: 'on' | 'off';
}

type Query = (sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Open stores per URL: they share the URL's pg pool (`PreparedKeyvPostgres`), ended when the last one closes. */
const openStores = new Map<string, number>();
/** `synchronousCommit` of the pool of each URL with open stores (the pool's sessions carry one setting). */
const poolCommitModes = new Map<string, 'on' | 'off'>();
/** Pools that already have an idle-error listener (an idle client's error would otherwise crash the process). */
const guardedPools = new WeakSet<object>();

/** pg-pool calls `options.log` as a method of the pool, before any client exists: the one hook to reach the pool. */
function guardPool(this: unknown): void {
  const pool = this as EventEmitter | undefined;
  if (pool === undefined || typeof pool.on !== 'function' || guardedPools.has(pool)) return;
  guardedPools.add(pool);
  pool.on('error', () => {
    // pg-pool already dropped the broken idle client; the next query opens a new one.
  });
}

/**
 * Run on each new pooled session: large values (checkpoint heads of a few KB) are compressed with lz4
 * instead of the default pglz, about half the server time of a 5 KB write. Stored values keep the method
 * they were written with and read as before; a server without lz4 (before PostgreSQL 14, or built without
 * it) refuses the setting and keeps pglz.
 */
async function preferLz4(client: { query(sql: string): Promise<unknown> }): Promise<void> {
  await client.query(`SELECT set_config('default_toast_compression', 'lz4', false)`).catch(() => {
    // pglz stays: slower to compress, read the same way.
  });
}

/**
 * A store on a shared PostgreSQL database. Entries go through @keyv/postgres
 * (table `<schema>.<table>`, created when missing); leases use the same pool
 * through the adapter's `query`, in `<table>_leases`, with one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING` statement.
 * Lease expiry compares against the caller's clock, so keep worker clocks in
 * sync (NTP). Stores on one URL in a process share one pg pool: it is
 * ended when the last open PostgresStore on that URL closes. Its sessions
 * compress large values with lz4 where the server has it (`preferLz4`).
 */
export class PostgresStore extends KeyvStore {
  /** Plugin definition: `{ type: postgres, config: { url, table, schema } }`; the url falls back to DATABASE_URL. */
  static readonly plugin = definePlugin({
    kind: 'store',
    name: 'postgres',
    description: 'Shared PostgreSQL store (@keyv/postgres); leases work across processes and machines',
    configSchema: z
      .object({
        url: z.string().min(1).optional().describe('postgres://user@host:port/db; defaults to DATABASE_URL'),
        table: z.string().regex(IDENTIFIER, 'a lower-case SQL identifier').optional(),
        schema: z.string().regex(IDENTIFIER, 'a lower-case SQL identifier').optional(),
        synchronousCommit: z
          .enum(['on', 'off'])
          .optional()
          .describe(
            "PostgreSQL synchronous_commit (default on). 'off' is faster per write; a server crash may lose the last few hundred ms of acknowledged writes, never corrupt them",
          ),
      })
      .strict(),
    create: (config, deps) => {
      const url = resolveUrl('postgres', config.url, 'DATABASE_URL');
      registerUrlSecret(url, deps);
      return new PostgresStore({
        url,
        ...(config.table === undefined ? {} : { table: config.table }),
        ...(config.schema === undefined ? {} : { schema: config.schema }),
        ...(config.synchronousCommit === undefined ? {} : { synchronousCommit: config.synchronousCommit }),
      });
    },
  });

  private readonly url: string;
  private readonly table: string;
  private readonly schema: string;
  private readonly connectTimeoutMs: number;
  private readonly synchronousCommit: 'on' | 'off';
  private counted = false;

  constructor(options: PostgresStoreOptions) {
    const where = describeUrl(options.url);
    super({
      name: 'postgres',
      target: `PostgreSQL at ${where}`,
      hint: `Is PostgreSQL running and reachable at ${where}? Check the url (or DATABASE_URL), the database name and credentials.`,
      maxKeyLength: KEY_SIZE,
    });
    for (const [field, value] of [
      ['table', options.table],
      ['schema', options.schema],
    ] as const) {
      if (value !== undefined && !IDENTIFIER.test(value)) {
        throw new TypeError(
          `postgres store: ${field} ${JSON.stringify(value)} must be a lower-case SQL identifier`,
        );
      }
    }
    this.url = options.url;
    this.table = options.table ?? 'agentry_store';
    this.schema = options.schema ?? 'public';
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    if (options.synchronousCommit !== undefined && !['on', 'off'].includes(options.synchronousCommit)) {
      throw new TypeError(
        `postgres store: synchronousCommit must be 'on' or 'off', got ${JSON.stringify(options.synchronousCommit)}`,
      );
    }
    this.synchronousCommit = options.synchronousCommit ?? 'on';
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    const entries = `${this.schema}.${this.table}`;
    const leases = `${this.schema}.${this.table}_leases`;
    const poolMode = openStores.has(this.url) ? poolCommitModes.get(this.url) : undefined;
    if (poolMode !== undefined && poolMode !== this.synchronousCommit) {
      throw new StoreError('store.unsupported', {
        message: `postgres store: synchronousCommit '${this.synchronousCommit}' differs from '${poolMode}' of another open store on ${describeUrl(this.url)}`,
        hint: 'Stores on the same url share one connection pool: give them the same synchronousCommit.',
        retryable: false,
        context: { plugin: 'postgres' },
      });
    }
    const adapter = new PreparedKeyvPostgres({
      uri: this.url,
      table: this.table,
      schema: this.schema,
      keySize: KEY_SIZE,
      connectionTimeoutMillis: this.connectTimeoutMs,
      log: guardPool,
      onConnect: preferLz4,
      // A startup parameter: every pooled session gets it, with no extra round trip per write.
      ...(this.synchronousCommit === 'off' ? { options: '-c synchronous_commit=off' } : {}),
    });
    adapter.on('error', () => {
      // The adapter reports its own table creation here; ours below is awaited and reported.
    });
    openStores.set(this.url, (openStores.get(this.url) ?? 0) + 1);
    poolCommitModes.set(this.url, this.synchronousCommit);
    this.counted = true;
    const query: Query = (sql, values) => adapter.query(sql, values) as Promise<Record<string, unknown>[]>;
    const ignoreDuplicate = (error: unknown) => {
      // Two processes creating the same table at once: the loser sees a unique violation, or that the
      // table, schema or the table's row type exists.
      const code = (error as { code?: string }).code ?? '';
      if (!['23505', '42P07', '42P06', '42710'].includes(code)) throw error;
    };
    try {
      if (this.schema !== 'public')
        await query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`).catch(ignoreDuplicate);
      await query(
        `CREATE TABLE IF NOT EXISTS ${entries} (key VARCHAR(${KEY_SIZE}) PRIMARY KEY, value TEXT)`,
      ).catch(ignoreDuplicate);
      await query(
        `CREATE TABLE IF NOT EXISTS ${leases} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, token BIGINT NOT NULL, expires_at BIGINT NOT NULL)`,
      ).catch(ignoreDuplicate);
    } catch (error) {
      await this.release(adapter);
      throw error;
    }
    const prepared = adapter.query as unknown as PreparedQuery;
    const leaseBackend = new PostgresLeases(prepared, leases, entries);
    const conditional = new PostgresConditionalWrites(prepared, leases, entries);
    return {
      adapter,
      leases: leaseBackend,
      fencedWrite: (fence, written, options) => leaseBackend.fencedWrite(fence, written, options),
      writeIf: (written, condition, options) => conditional.writeIf(written, condition, options),
      async *listRaw(prefix: string) {
        let after = prefix;
        for (;;) {
          const rows = await query(
            `SELECT key, value FROM ${entries} WHERE starts_with(key, $1) AND key COLLATE "C" > $2
             ORDER BY key COLLATE "C" LIMIT ${PAGE}`,
            [prefix, after],
          );
          for (const row of rows) yield [String(row.key), row.value] as const;
          if (rows.length < PAGE) return;
          after = String(rows[rows.length - 1]!.key);
        }
      },
      setDeferred: (key, entry) => adapter.setDeferred(key, entry),
      writeMany: (entries, options) => adapter.setRaw(entries, options.deferFlush),
      close: () => this.release(adapter),
    };
  }

  /** Ends the shared pool when this is the last open store on the URL. */
  private async release(adapter: KeyvPostgres): Promise<void> {
    if (!this.counted) return;
    this.counted = false;
    const remaining = (openStores.get(this.url) ?? 1) - 1;
    if (remaining > 0) {
      openStores.set(this.url, remaining);
      return;
    }
    openStores.delete(this.url);
    poolCommitModes.delete(this.url);
    await adapter.disconnect();
  }
}
