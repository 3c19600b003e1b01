import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';

/** The bits of a pg client the clean-up uses (pg comes with @keyv/postgres). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

const WORKERS = 4;
const ROUNDS = 12;
const worker = fileURLToPath(new URL('./__fixtures__/lease-worker.ts', import.meta.url));
const jiti = createRequire(import.meta.url)
  .resolve('jiti/package.json')
  .replace('package.json', 'lib/jiti-cli.mjs');

function runWorker(args: string[]): Promise<{ owner: string; token: number }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [jiti, worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}: ${err}`));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { owner: string; token: number }),
        );
    });
  });
}

async function race(kind: string, target: string, table: string, open: () => Store): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, index) =>
      runWorker([kind, target, table, `worker-${index}`, String(ROUNDS)]),
    ),
  );
  const grants = results.flat();
  expect(grants).toHaveLength(WORKERS * ROUNDS);
  // Every grant got its own token: the lease never changed hands without a new one.
  expect(new Set(grants.map((grant) => grant.token)).size).toBe(grants.length);
  const store = open();
  // No two processes were ever inside the critical section together: no increment was lost.
  expect(await store.get('counter', 'value')).toBe(WORKERS * ROUNDS);
  await store.close();
}

describe('leases across real processes', () => {
  it('sqlite: four processes on one file never hold the lease together', async () => {
    const root = await mkdtemp(join(tmpdir(), 'agentry-multi-'));
    const path = join(root, 'shared.db');
    try {
      await race('sqlite', path, '', () => new SqliteStore({ path }));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  const url = process.env.DATABASE_URL;
  it.skipIf(!url)(
    'postgres: four processes on one database never hold the lease together',
    async () => {
      const schema = `agentry_multi_${process.pid}_${Date.now().toString(36)}`;
      await race('postgres', url!, schema, () => new PostgresStore({ url: url!, schema, table: 'entries' }));
      const { default: pg } = (await import('pg' as string)) as {
        default: { Client: new (options: { connectionString: string }) => PgClient };
      };
      const client = new pg.Client({ connectionString: url! });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
    60_000,
  );
});
