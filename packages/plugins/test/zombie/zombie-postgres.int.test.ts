import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { printZombieReport, runZombieCycles } from './zombie-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-zombie-postgres-'));
const url = process.env.DATABASE_URL;
const schema = `zombie_${process.pid}_${Date.now().toString(36)}`;
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (url === undefined) return;
  // Drops this file's schema with a plain pg client (pg comes with @keyv/postgres).
  const { default: pg } = (await import('pg' as string)) as {
    default: { Client: new (options: { connectionString: string }) => PgClient };
  };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

const CYCLES = Number(process.env.AGENTRY_ZOMBIE_CYCLES ?? 10);

describe.skipIf(!url || process.platform !== 'linux')(
  'a paused owner never runs a side effect after losing its run lease (postgres)',
  () => {
    it(
      `runs the unsafe call once and refuses the zombie's writes over ${CYCLES} SIGSTOP/takeover/SIGCONT cycles`,
      async () => {
        const options = { url: url!, schema, table: 'entries' };
        const report = await runZombieCycles(
          { kind: 'postgres', options },
          new PostgresStore(options),
          root,
          CYCLES,
        );
        printZombieReport('postgres', report);
        expect(report.failures).toEqual([]);
        expect(report).toMatchObject({ doubleExecutions: 0, zombieEffects: 0, staleWritesAccepted: 0 });
        expect(report.cycleMs).toHaveLength(CYCLES);
      },
      60_000 + CYCLES * 20_000,
    );
  },
);
