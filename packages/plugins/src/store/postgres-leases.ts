/** Run and session leases of the `postgres` store: one named prepared statement per operation, atomic across processes. */
import { createHash } from 'node:crypto';
import type { Lease, StoreFence } from '@agentry/core';
import type { FencedWriteOptions, LeaseBackend, RawEntry } from '@agentry/core/plugin';
import { RowStatements, rowValues } from './postgres-rows.js';
import type { PreparedQuery } from './postgres-statements.js';

const toLease = (row: Record<string, unknown> | undefined): Lease | undefined =>
  row === undefined
    ? undefined
    : {
        name: String(row.name),
        owner: String(row.owner),
        token: Number(row.token),
        expiresAt: Number(row.expires_at),
      };

/**
 * Leases in `<schema>.<table>_leases`; each operation is one named prepared
 * statement, so it is atomic across processes and planned once per connection.
 */
export class PostgresLeases implements LeaseBackend {
  readonly #statements: Record<'acquire' | 'renew' | 'release' | 'read', { name: string; text: string }>;
  /** Fenced writes by batch size: flushed before they are acknowledged, and deferred (`deferFlush`). */
  readonly #fenced: { flushed: RowStatements; deferred: RowStatements };

  /**
   * @param table the leases table
   * @param entries the entries table that fenced writes go to
   */
  constructor(
    private readonly query: PreparedQuery,
    table: string,
    entries: string,
  ) {
    const tag = createHash('sha256').update(table).digest('hex').slice(0, 16);
    // The lease row is read FOR SHARE: a takeover (an UPDATE of that row) either committed before, and the
    // token no longer matches, or waits until this write has committed. All rows are written, or none.
    const fenced = (deferred: boolean) =>
      new RowStatements(
        (rows) => `agentry_fenced${deferred ? 'd' : ''}_${rows}_${tag}`,
        (given) => `WITH held AS (
         SELECT 1 FROM ${table} WHERE name = $1 AND token = $2 AND expires_at > $3 FOR SHARE)
       INSERT INTO ${entries} (key, value)
       SELECT given.key, given.value FROM ${given(4)}${
         deferred ? `, (SELECT set_config('synchronous_commit', 'off', true)) AS deferred` : ''
       }
       WHERE EXISTS (SELECT 1 FROM held)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       RETURNING 1`,
      );
    this.#fenced = { flushed: fenced(false), deferred: fenced(true) };
    this.#statements = {
      acquire: {
        name: `agentry_lease_acquire_${tag}`,
        text: `INSERT INTO ${table} AS held (name, owner, token, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN held.owner = EXCLUDED.owner AND held.expires_at > $4 THEN held.token ELSE held.token + 1 END,
         owner = EXCLUDED.owner,
         expires_at = EXCLUDED.expires_at
       WHERE held.expires_at <= $4 OR held.owner = EXCLUDED.owner
       RETURNING name, owner, token, expires_at`,
      },
      renew: {
        name: `agentry_lease_renew_${tag}`,
        text: `UPDATE ${table} SET expires_at = $1
       WHERE name = $2 AND owner = $3 AND token = $4 AND expires_at > $5
       RETURNING name, owner, token, expires_at`,
      },
      // A release may be acknowledged before it is flushed: if the server crashes and loses it,
      // the lease only stays taken until it expires.
      release: {
        name: `agentry_lease_release_${tag}`,
        text: `UPDATE ${table} SET expires_at = 0 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS deferred
       WHERE name = $1 AND owner = $2 AND token = $3`,
      },
      read: {
        name: `agentry_lease_read_${tag}`,
        text: `SELECT name, owner, token, expires_at FROM ${table} WHERE name = $1 AND expires_at > $2`,
      },
    };
  }

  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const rows = await this.query(this.#statements.acquire, [name, owner, now + ttlMs, now]);
    return toLease(rows[0]);
  }

  async renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const rows = await this.query(this.#statements.renew, [
      now + ttlMs,
      lease.name,
      lease.owner,
      lease.token,
      now,
    ]);
    return toLease(rows[0]);
  }

  async release(lease: Lease): Promise<void> {
    await this.query(this.#statements.release, [lease.name, lease.owner, lease.token]);
  }

  /** Writes raw entries only while the lease is held with the fence's token; false when refused. */
  async fencedWrite(
    fence: StoreFence,
    entries: readonly RawEntry[],
    options: FencedWriteOptions,
  ): Promise<boolean> {
    const statements = options.deferFlush ? this.#fenced.deferred : this.#fenced.flushed;
    const rows = await this.query(statements.for(entries.length), [
      fence.lease,
      fence.token,
      options.now,
      ...rowValues(entries),
    ]);
    return rows.length > 0;
  }

  async read(name: string, now: number): Promise<Lease | undefined> {
    const rows = await this.query(this.#statements.read, [name, now]);
    return toLease(rows[0]);
  }
}
