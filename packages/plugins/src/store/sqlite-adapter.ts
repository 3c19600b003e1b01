/**
 * The keyv adapter and the lease backend of the `sqlite` store, over one
 * SQLite connection (see `sqlite-driver.ts`) with prepared statements. Both drivers run each
 * statement synchronously (no thread-pool round trip): a small upsert in WAL
 * mode costs microseconds, so a durable checkpoint costs about as much as its
 * serialisation. Table layout: `<table>(key VARCHAR(255) PRIMARY KEY, value TEXT)`.
 */
import { EventEmitter } from 'node:events';
import type { Lease } from '@agentry/core';
import type { LeaseBackend } from '@agentry/core/plugin';
import type { StoredData } from 'keyv';
import type { SqliteConnection as Database, SqliteStatement as Statement } from './sqlite-driver.js';

/** Rows per multi-row statement of `setMany` (well under SQLite's bound-parameter limit). */
const BATCH = 400;

interface Entry {
  key: string;
  value: unknown;
}

/**
 * A keyv store adapter on one SQLite table. Operations are synchronous inside
 * (better-sqlite3) and exposed as promises, as keyv expects; a failure (a lock
 * held past the busy timeout, a full disk) rejects the operation.
 */
export class SqliteKeyvAdapter extends EventEmitter {
  readonly opts: { table: string; dialect: 'sqlite' };
  /** Set by keyv; unused (keyv prefixes keys itself). */
  namespace: string | undefined;
  readonly #db: Database;
  readonly #get: Statement<[string], { value: string }>;
  readonly #set: Statement<[string, unknown]>;
  readonly #delete: Statement<[string]>;
  readonly #getMany: Statement<[string], { key: string; value: string }>;
  readonly #setMany: (entries: readonly Entry[]) => void;
  readonly #writeIf: (allowed: () => boolean, entries: readonly Entry[], after?: () => void) => boolean;
  readonly #deleteRange: Statement<[string, string]>;
  readonly #page: Statement<[string, string, number], { key: string; value: string }>;
  readonly #fencedUpsertOf: (rows: number) => Statement<unknown[]>;

  /** `leases`: the table of `SqliteLeases` whose leases fence `writeIfHeld` (created before the first such write). */
  constructor(db: Database, table: string, leases: string) {
    super();
    this.#db = db;
    this.opts = { table, dialect: 'sqlite' };
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    const upsert = (rows: number) =>
      `INSERT INTO ${table} (key, value) VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')}
       ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
    this.#get = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.#set = db.prepare(upsert(1));
    this.#delete = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.#getMany = db.prepare(
      `SELECT key, value FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`,
    );
    this.#deleteRange = db.prepare(`DELETE FROM ${table} WHERE key >= ? AND key < ?`);
    this.#page = db.prepare(`SELECT key, value FROM ${table} WHERE key > ? AND key < ? ORDER BY key LIMIT ?`);
    // Statements of the batch sizes met so far (a durable save writes 1–4 rows): preparing one costs
    // more than running it.
    const upserts = new Map<number, Statement<unknown[]>>([[1, this.#set as Statement<unknown[]>]]);
    const upsertOf = (rows: number) => {
      let statement = upserts.get(rows);
      if (statement === undefined) {
        statement = db.prepare(upsert(rows));
        if (rows <= 16) upserts.set(rows, statement);
      }
      return statement;
    };
    const writeRows = (entries: readonly Entry[]) => {
      for (let start = 0; start < entries.length; start += BATCH) {
        const batch = entries.slice(start, start + BATCH);
        const parameters: unknown[] = [];
        for (const entry of batch) parameters.push(entry.key, entry.value);
        upsertOf(batch.length).run(...parameters);
      }
    };
    // A fenced write of up to BATCH rows: one statement, which SQLite runs atomically under the database's
    // write lock (taken when the statement starts, before it reads the lease).
    const fencedUpserts = new Map<number, Statement<unknown[]>>();
    this.#fencedUpsertOf = (rows) => {
      let statement = fencedUpserts.get(rows);
      if (statement === undefined) {
        statement = db.prepare(
          `INSERT INTO ${table} (key, value)
           SELECT column1, column2 FROM (VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')})
           WHERE EXISTS (SELECT 1 FROM ${leases} WHERE name = ? AND token = ? AND expires_at > ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        );
        if (rows <= 16) fencedUpserts.set(rows, statement);
      }
      return statement;
    };
    // One transaction for the whole batch: all rows are written, or none.
    this.#setMany = db.transaction(writeRows);
    this.#writeIf = db.immediate((allowed: () => boolean, entries: readonly Entry[], after?: () => void) => {
      if (!allowed()) return false;
      writeRows(entries);
      after?.();
      return true;
    });
  }

  /**
   * Writes `entries` in one `BEGIN IMMEDIATE` transaction (the database's write
   * lock is taken first, so no other connection changes anything between the
   * check and the write) if `allowed()`, run inside it, says so; then `after()`, in the same transaction.
   */
  writeIf(allowed: () => boolean, entries: readonly Entry[], after?: () => void): boolean {
    return this.#writeIf(allowed, entries, after);
  }

  /** The stored text of a key, read synchronously (inside a `writeIf` transaction). */
  storedText(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }

  /**
   * Writes `entries` if lease `name` is held with `token` and unexpired at `now`; true when written. Up to
   * `BATCH` rows are one `INSERT … SELECT … WHERE EXISTS (lease) ON CONFLICT DO UPDATE` statement: SQLite
   * takes the write lock when a writing statement starts and runs it atomically, so this is `writeIf` with
   * `SqliteLeases.holds` without a BEGIN, a COMMIT and a separate lease read (a durable run makes two to
   * three such writes per step). A larger batch goes through `writeIf`.
   */
  writeIfHeld(
    name: string,
    token: number,
    now: number,
    entries: readonly Entry[],
    holds: () => boolean,
  ): boolean {
    if (entries.length === 0 || entries.length > BATCH) return this.#writeIf(holds, entries);
    const parameters: unknown[] = [];
    for (const entry of entries) parameters.push(entry.key, entry.value);
    parameters.push(name, token, now);
    return Number(this.#fencedUpsertOf(entries.length).run(...parameters).changes) > 0;
  }

  /** The stored text (keyv's serialised entry), or `undefined`. */
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.#get.get(key)?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<StoredData<Value | undefined>[]> {
    const found = new Map<string, string>();
    for (const row of this.#getMany.all(JSON.stringify(keys))) found.set(row.key, row.value);
    return keys.map((key) => found.get(key) as StoredData<Value | undefined>);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#set.run(key, value);
  }

  async setMany(entries: Entry[]): Promise<void> {
    if (entries.length === 1) this.#set.run(entries[0]!.key, entries[0]!.value);
    else if (entries.length > 0) this.#setMany(entries);
  }

  async delete(key: string): Promise<boolean> {
    return this.#delete.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let deleted = false;
    for (const key of keys) deleted = this.#delete.run(key).changes > 0 || deleted;
    return deleted;
  }

  /** Deletes the entries of keyv's namespace (every entry when there is none). */
  async clear(): Promise<void> {
    if (this.namespace === undefined) this.#db.exec(`DELETE FROM ${this.opts.table}`);
    else this.#deleteRange.run(`${this.namespace}:`, `${this.namespace};`);
  }

  /** Up to `limit` entries with `after < key < end`, in key order. */
  page(after: string, end: string, limit: number): { key: string; value: string }[] {
    return this.#page.all(after, end, limit);
  }

  async disconnect(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

interface LeaseRow {
  name: string;
  owner: string;
  token: number;
  expires_at: number;
}

const toLease = (row: LeaseRow | undefined): Lease | undefined =>
  row === undefined
    ? undefined
    : { name: row.name, owner: row.owner, token: Number(row.token), expiresAt: Number(row.expires_at) };

/** Leases in a `<table>` of the same file; each operation is one SQL statement, so it is atomic across processes. */
export class SqliteLeases implements LeaseBackend {
  readonly #acquire: Statement<[string, string, number, number, number], LeaseRow>;
  readonly #renew: Statement<[number, string, string, number, number], LeaseRow>;
  readonly #release: Statement<[string, string, number]>;
  readonly #read: Statement<[string, number], LeaseRow>;
  readonly #holds: Statement<[string, number, number], { held: number }>;
  readonly #held: Statement<[string, number], { held: number }>;
  readonly #releaseToken: Statement<[string, number]>;

  constructor(db: Database, table: string) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    );
    this.#acquire = db.prepare(
      `INSERT INTO ${table} (name, owner, token, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT(name) DO UPDATE SET
         token = CASE WHEN ${table}.owner = excluded.owner AND ${table}.expires_at > ?
                      THEN ${table}.token ELSE ${table}.token + 1 END,
         owner = excluded.owner,
         expires_at = excluded.expires_at
       WHERE ${table}.expires_at <= ? OR ${table}.owner = excluded.owner
       RETURNING name, owner, token, expires_at`,
    );
    this.#renew = db.prepare(
      `UPDATE ${table} SET expires_at = ? WHERE name = ? AND owner = ? AND token = ? AND expires_at > ?
       RETURNING name, owner, token, expires_at`,
    );
    this.#release = db.prepare(
      `UPDATE ${table} SET expires_at = 0 WHERE name = ? AND owner = ? AND token = ?`,
    );
    this.#read = db.prepare(
      `SELECT name, owner, token, expires_at FROM ${table} WHERE name = ? AND expires_at > ?`,
    );
    this.#holds = db.prepare(
      `SELECT 1 AS held FROM ${table} WHERE name = ? AND token = ? AND expires_at > ?`,
    );
    this.#held = db.prepare(`SELECT 1 AS held FROM ${table} WHERE name = ? AND expires_at > ?`);
    this.#releaseToken = db.prepare(`UPDATE ${table} SET expires_at = 0 WHERE name = ? AND token = ?`);
  }

  /** Whether anyone holds `name`, unexpired at `now` (synchronous, inside a write's transaction). */
  held(name: string, now: number): boolean {
    return this.#held.get(name, now) !== undefined;
  }

  /** Gives `name` up if held with `token` (synchronous, inside a write's transaction: `releaseFence`). */
  releaseToken(name: string, token: number): void {
    this.#releaseToken.run(name, token);
  }

  /** Whether `name` is held with `token` and unexpired at `now` (synchronous: call it inside the write's transaction). */
  holds(name: string, token: number, now: number): boolean {
    return this.#holds.get(name, token, now) !== undefined;
  }

  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    return toLease(this.#acquire.get(name, owner, now + ttlMs, now, now));
  }

  async renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    return toLease(this.#renew.get(now + ttlMs, lease.name, lease.owner, lease.token, now));
  }

  async release(lease: Lease): Promise<void> {
    this.#release.run(lease.name, lease.owner, lease.token);
  }

  async read(name: string, now: number): Promise<Lease | undefined> {
    return toLease(this.#read.get(name, now));
  }
}
