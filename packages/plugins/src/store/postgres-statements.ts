/** The `postgres` store's entry operations as named prepared statements over @keyv/postgres. */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import KeyvPostgres from '@keyv/postgres';
import { RowStatements, rowValues } from './postgres-rows.js';

/** The part of a pg `Pool` the store uses (pg ships no types; @keyv/postgres runs on the same pg). */
interface PgPool {
  query(
    statement: string | { name: string; text: string },
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const { Pool } = createRequire(import.meta.url)('pg') as {
  Pool: new (config: Record<string, unknown>) => PgPool;
};

/**
 * One pg pool per URL in this process. @keyv/postgres keeps a single pool for the last URL it was given
 * and `disconnect` ends whichever that is: with stores on two URLs, opening the second orphaned the first's
 * pool, and closing the first ended the second's.
 */
const pools = new Map<string, PgPool>();

/** Runs a named prepared statement on a pooled connection. */
export type PreparedQuery = (
  statement: { name: string; text: string },
  values: unknown[],
) => Promise<Record<string, unknown>[]>;

/**
 * @keyv/postgres with the hot entry operations as named prepared statements
 * (parsed and planned once per pooled connection, then only bound and run).
 * Same table layout and semantics as the adapter's own statements.
 */
export class PreparedKeyvPostgres extends KeyvPostgres {
  #statements: Record<'get' | 'getMany' | 'set' | 'setDeferred' | 'delete', { name: string; text: string }>;
  /** Multi-entry upserts by batch size: flushed before they are acknowledged, and deferred. */
  #setMany: { flushed: RowStatements; deferred: RowStatements };

  constructor(options: ConstructorParameters<typeof KeyvPostgres>[0] & { schema: string; table: string }) {
    super(options);
    const entries = `${options.schema}.${options.table}`;
    // Statement names are per connection and must not collide between tables on one pool (63-byte limit).
    const tag = createHash('sha256').update(entries).digest('hex').slice(0, 16);
    this.#statements = {
      get: { name: `agentry_get_${tag}`, text: `SELECT value FROM ${entries} WHERE key = $1` },
      getMany: { name: `agentry_gets_${tag}`, text: `SELECT key, value FROM ${entries} WHERE key = ANY($1)` },
      set: {
        name: `agentry_set_${tag}`,
        text: `INSERT INTO ${entries} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      },
      // `set_config(…, true)` lasts until the end of the statement's own transaction: that one commit
      // is acknowledged before its WAL is flushed (one round trip, no BEGIN/SET LOCAL/COMMIT).
      setDeferred: {
        name: `agentry_setd_${tag}`,
        text: `INSERT INTO ${entries} (key, value) SELECT $1, $2 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS deferred ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      },
      delete: { name: `agentry_del_${tag}`, text: `DELETE FROM ${entries} WHERE key = $1 RETURNING key` },
    };
    const setMany = (deferred: boolean) =>
      new RowStatements(
        (rows) => `agentry_sets${deferred ? 'd' : ''}_${rows}_${tag}`,
        (given) =>
          `INSERT INTO ${entries} (key, value) SELECT given.key, given.value FROM ${given(1)}${
            deferred ? `, (SELECT set_config('synchronous_commit', 'off', true)) AS deferred` : ''
          } ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      );
    this.#setMany = { flushed: setMany(false), deferred: setMany(true) };
  }

  /** The pool of this adapter's URL (made by the first adapter on it, with its options). */
  override async connect(): Promise<(sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>> {
    const uri = this.opts.uri ?? '';
    const pool = pools.get(uri) ?? new Pool({ connectionString: uri, ...this.opts });
    pools.set(uri, pool);
    return async (sql, values) => (await pool.query(sql, values)).rows;
  }

  /** Ends the pool of this adapter's URL (`PostgresStore` calls it when its last store on the URL closes). */
  override async disconnect(): Promise<void> {
    const uri = this.opts.uri ?? '';
    const pool = pools.get(uri);
    pools.delete(uri);
    await pool?.end();
  }

  private get prepared(): PreparedQuery {
    return this.query as unknown as PreparedQuery;
  }

  override async get<Value>(key: string): Promise<Value | undefined> {
    const rows = await this.prepared(this.#statements.get, [key]);
    return rows[0] === undefined ? undefined : (rows[0].value as Value);
  }

  override async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const rows = await this.prepared(this.#statements.getMany, [keys]);
    const byKey = new Map(rows.map((row) => [row.key as string, row.value as Value]));
    return keys.map((key) => byKey.get(key));
  }

  // biome-ignore lint/suspicious/noExplicitAny: matches the adapter's signature
  override async set(key: string, value: any): Promise<void> {
    await this.prepared(this.#statements.set, [key, value]);
  }

  /** `set` committed with `synchronous_commit = off` (the store's `deferFlush` writes). */
  async setDeferred(key: string, value: string): Promise<void> {
    await this.prepared(this.#statements.setDeferred, [key, value]);
  }

  /** One round trip (the adapter's own delete reads the row first). */
  override async delete(key: string): Promise<boolean> {
    return (await this.prepared(this.#statements.delete, [key])).length > 0;
  }

  /** Stored entries (full keys, serialised entries) in one statement, one commit; `deferred`: not flushed first. */
  async setRaw(entries: readonly { key: string; entry: string }[], deferred: boolean): Promise<void> {
    const statements = deferred ? this.#setMany.deferred : this.#setMany.flushed;
    await this.prepared(statements.for(entries.length), rowValues(entries));
  }

  override async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    const raw = entries.map((entry) => ({ key: entry.key, entry: entry.value }));
    await this.prepared(this.#setMany.flushed.for(raw.length), rowValues(raw));
  }
}
