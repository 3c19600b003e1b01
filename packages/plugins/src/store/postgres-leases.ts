/** Run and session leases of the `postgres` store: one named prepared statement per operation, atomic across processes. */
import { createHash } from 'node:crypto';
import type { Lease } from '@agentry/core';
import type { LeaseBackend } from '@agentry/core/plugin';
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

  constructor(
    private readonly query: PreparedQuery,
    table: string,
  ) {
    const tag = createHash('sha256').update(table).digest('hex').slice(0, 16);
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

  async read(name: string, now: number): Promise<Lease | undefined> {
    const rows = await this.query(this.#statements.read, [name, now]);
    return toLease(rows[0]);
  }
}
