// Baselines of the durable rows, measured in the same run: the bare cost of one write of a
// checkpoint-sized JSON text (2 KB) with the driver alone, as a hand-written durable loop would pay
// per commit: a better-sqlite3 upsert (WAL, synchronous=NORMAL, as the sqlite store opens its file) and a
// pg `INSERT … ON CONFLICT` (one round trip, one commit, default synchronous_commit).
import { join } from 'node:path';

const TEXT = JSON.stringify({ head: 'x'.repeat(2000) });
const WRITES = 2000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median µs of one upsert over 5 rounds of WRITES, or undefined when better-sqlite3 cannot be loaded. */
export async function bareSqliteUs(dir) {
  let Database;
  try {
    Database = (await import('better-sqlite3')).default;
  } catch {
    return undefined;
  }
  const db = new Database(join(dir, 'baseline.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS baseline (key VARCHAR(255) PRIMARY KEY, value TEXT)');
    const upsert = db.prepare(
      'INSERT INTO baseline (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    const rounds = [];
    for (let round = 0; round < 6; round += 1) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < WRITES; index += 1) upsert.run(`run-${index % 50}`, TEXT);
      if (round > 0) rounds.push(Number(process.hrtime.bigint() - started) / 1e3 / WRITES);
    }
    return median(rounds);
  } finally {
    db.close();
  }
}

/** Median µs of one INSERT … ON CONFLICT round trip, or undefined when PostgreSQL cannot be reached. */
export async function barePostgresUs(url) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  const table = `agentry_bench_baseline_${process.pid}`;
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    const statement = {
      name: 'baseline_upsert',
      text: `INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    };
    const rounds = [];
    for (let round = 0; round < 6; round += 1) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < WRITES / 4; index += 1) {
        await client.query({ ...statement, values: [`run-${index % 50}`, TEXT] });
      }
      if (round > 0) rounds.push(Number(process.hrtime.bigint() - started) / 1e3 / (WRITES / 4));
    }
    return median(rounds);
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await client.end();
  }
}
