/**
 * Conditional writes of the `postgres` store (`Store.setBatchIf`): one statement, one commit. The fence's
 * lease row is read `FOR SHARE`; the `unleased` lease row is locked (upserted without a change) and must be
 * expired, so a concurrent `acquireLease` of it waits for this write; the compare-and-set is an `UPDATE …
 * WHERE value = expected` (or an `INSERT … ON CONFLICT DO NOTHING` for an absent entry), which PostgreSQL
 * evaluates on the row's latest committed version. Every other row is written only if all of that held.
 */
import { createHash } from 'node:crypto';
import type { FencedWriteOptions, RawCondition, RawEntry } from '@agentry/core/plugin';
import { givenRows, rowValues } from './postgres-rows.js';
import type { PreparedQuery } from './postgres-statements.js';

export class PostgresConditionalWrites {
  /** Statement name by text: each shape (conditions, row count) is prepared once per connection. */
  readonly #names = new Map<string, string>();

  /**
   * @param leases the leases table
   * @param entries the entries table
   */
  constructor(
    private readonly query: PreparedQuery,
    private readonly leases: string,
    private readonly entries: string,
  ) {}

  async writeIf(
    written: readonly RawEntry[],
    condition: RawCondition,
    options: FencedWriteOptions,
  ): Promise<'written' | 'unmet' | 'fenced'> {
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    let nowParam: string | undefined;
    const now = () => {
      nowParam ??= `${param(options.now)}::bigint`;
      return nowParam;
    };
    const ctes: string[] = [];
    let gates: string[] = [];
    const { fence, unleased, expect } = condition;
    let fenceParams: { lease: string; token: string } | undefined;
    if (fence !== undefined) {
      fenceParams = { lease: param(fence.lease), token: param(fence.token) };
      ctes.push(`held AS (SELECT 1 FROM ${this.leases}
        WHERE name = ${fenceParams.lease} AND token = ${fenceParams.token} AND expires_at > ${now()} FOR SHARE)`);
      gates.push('EXISTS (SELECT 1 FROM held)');
    }
    if (unleased !== undefined) {
      ctes.push(`free AS (INSERT INTO ${this.leases} AS lease (name, owner, token, expires_at)
        VALUES (${param(unleased)}, '', 0, 0)
        ON CONFLICT (name) DO UPDATE SET expires_at = lease.expires_at WHERE lease.expires_at <= ${now()}
        RETURNING 1)`);
      gates.push('EXISTS (SELECT 1 FROM free)');
    }
    const allowed = () => (gates.length === 0 ? 'TRUE' : gates.join(' AND '));
    if (expect !== undefined) {
      const target = written.find((entry) => entry.key === expect.key);
      const key = param(expect.key);
      const value = param(target?.entry);
      ctes.push(
        expect.entry === undefined
          ? `cas AS (INSERT INTO ${this.entries} (key, value) SELECT ${key}::text, ${value}::text
             WHERE ${allowed()} ON CONFLICT (key) DO NOTHING RETURNING 1)`
          : `cas AS (UPDATE ${this.entries} SET value = ${value}::text
             WHERE key = ${key}::text AND value = ${param(expect.entry)}::text AND ${allowed()} RETURNING 1)`,
      );
      gates = ['EXISTS (SELECT 1 FROM cas)'];
    }
    const rest = expect === undefined ? written : written.filter((entry) => entry.key !== expect.key);
    if (rest.length > 0) {
      const first = values.length + 1;
      values.push(...rowValues(rest));
      ctes.push(`rest AS (INSERT INTO ${this.entries} (key, value)
        SELECT given.key, given.value FROM ${givenRows(rest.length, first)} WHERE ${allowed()}
        ON CONFLICT (key) DO UPDATE SET value = excluded.value RETURNING 1)`);
    }
    if (fenceParams !== undefined && condition.releaseFence === true) {
      ctes.push(`released AS (UPDATE ${this.leases} SET expires_at = 0
        WHERE name = ${fenceParams.lease} AND token = ${fenceParams.token} AND ${allowed()})`);
    }
    const deferred = options.deferFlush
      ? ` FROM (SELECT set_config('synchronous_commit', 'off', true)) AS deferred`
      : '';
    const text = `${ctes.length === 0 ? '' : `WITH ${ctes.join(',\n')}`}
      SELECT ${fence === undefined ? '1' : '(SELECT count(*) FROM held)'} AS held,
             CASE WHEN ${allowed()} THEN 1 ELSE 0 END AS written${deferred}`;
    const rows = await this.query({ name: this.nameOf(text), text }, values);
    const row = rows[0] ?? {};
    if (Number(row.held) === 0) return 'fenced';
    return Number(row.written) === 1 ? 'written' : 'unmet';
  }

  private nameOf(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      name = `agentry_if_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      this.#names.set(text, name);
    }
    return name;
  }
}
