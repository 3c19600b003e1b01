/**
 * Steering over PostgreSQL: a run driven by one `agentry` process, input sent by two other processes, the
 * store shared through PostgreSQL.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../__fixtures__/cli-harness.js';
import { project, startCli, waitingRun } from '../__fixtures__/steering-project.js';

const DATABASE_URL = process.env.DATABASE_URL;
const SCHEMA = `agentry_steer_${process.pid}_${Date.now().toString(36)}`;
const env = { DATABASE_URL: DATABASE_URL ?? '' };

const cleanups: (() => void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  if (!DATABASE_URL) return;
  const { default: pg } = (await import('pg' as string)) as {
    default: {
      Client: new (options: {
        connectionString: string;
      }) => {
        connect(): Promise<void>;
        query(sql: string): Promise<unknown>;
        end(): Promise<void>;
      };
    };
  };
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

describe.skipIf(!DATABASE_URL)('steering over PostgreSQL (needs DATABASE_URL)', { timeout: 180_000 }, () => {
  it('input sent from two other processes reaches the active run in order; the ended run refuses more', async () => {
    const cwd = project(
      cleanups,
      `store: { type: postgres, config: { url: \${env:DATABASE_URL}, schema: ${SCHEMA} } }`,
    );
    const first = startCli(['run', 'assistant', 'Book a table', '--session', 'dinner', '--json'], cwd, env);
    const runId = await waitingRun(cwd, first);
    const sent = await spawnCli(['send', runId, 'Near the station', '--json'], { cwd, env });
    expect(JSON.parse(sent.stdout)).toEqual({ runId, seq: 1, status: 'running' });
    const again = await spawnCli(['send', runId, 'For four people', '--json'], { cwd, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ seq: 2 });
    writeFileSync(path.join(cwd, 'go'), '');
    const result = JSON.parse((await first).stdout) as { output: string };
    expect(JSON.parse(result.output)).toEqual(['Book a table', 'Near the station', 'For four people']);
    const late = await spawnCli(['send', runId, 'And dessert'], { cwd, env });
    expect(late.stderr).toContain('run.finished');
  });
});
