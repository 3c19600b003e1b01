/**
 * Registered secrets never reach a store in plain text. A secret given as `${env:CANARY_API_KEY}` is planted in
 * the model's replies, in a tool's input and (through a file the tool reads) in a tool's output. Durable runs
 * of the `agentry` binary suspend for an approval, then resume and finish, on sqlite (a file), Redis and
 * PostgreSQL, with an NDJSON event log; every byte they wrote is searched for the canary: the database file,
 * the NDJSON logs, the processes' stdout and stderr, the Redis keys and values under the test's prefix and
 * the PostgreSQL rows of the test's schema.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPAWN_TEST_TIMEOUT_MS, scratchDir, spawnCli } from './__fixtures__/cli-harness.js';

const REDIS_URL = process.env.REDIS_URL ?? '';
const DATABASE_URL = process.env.DATABASE_URL ?? '';
const suffix = randomBytes(4).toString('hex');
const CANARY = `sk-canary-${randomBytes(12).toString('hex')}`;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function config(store: string): string {
  return `version: 1
store: ${store}
events:
  - { type: ndjson-file, config: { path: "./events/{runId}.ndjson" } }
models:
  demo:
    provider: scripted
    script:
      - text: "Reading the note (key \${env:CANARY_API_KEY})."
        toolCalls:
          - { tool: read-file, input: { path: note.txt } }
          - { tool: read-file, input: { path: "gone-\${env:CANARY_API_KEY}.txt" } }
      - text: "The note holds \${env:CANARY_API_KEY}; I will keep a copy."
        toolCalls: [{ tool: write-file, input: { path: copy.txt, content: "copy of \${env:CANARY_API_KEY}" } }]
      - "Done. The key was \${env:CANARY_API_KEY}."
agents:
  keeper:
    model: demo
    durable: true
    memory: [buffer, persistent]
    tools:
      - { type: read-file, config: { root: ./workspace } }
      - { type: write-file, config: { root: ./workspace }, approval: always }
`;
}

/** Every file under `dir` except the workspace (the user's own files, where the tool legitimately wrote). */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'workspace') found.push(...filesUnder(full));
    } else if (statSync(full).isFile()) found.push(full);
  }
  return found;
}

/** Runs the agent (it suspends for the write-file approval), then resumes it with the approval. */
async function runAndResume(store: string): Promise<{ dir: string; output: string; runId: string }> {
  const scratch = scratchDir({ 'agentry.yaml': config(store), 'workspace/note.txt': `the key: ${CANARY}\n` });
  cleanups.push(scratch.remove);
  const env = {
    CANARY_API_KEY: CANARY,
    REDIS_URL: REDIS_URL || undefined,
    DATABASE_URL: DATABASE_URL || undefined,
  };
  const first = await spawnCli(['run', 'keeper', 'Copy the note', '--session', 'notes', '--json'], {
    cwd: scratch.dir,
    env,
  });
  const suspended = JSON.parse(first.stdout) as { runId: string; status: string };
  expect(suspended.status, first.stderr).toBe('suspended');
  const second = await spawnCli(['resume', suspended.runId, '--approve', 'all', '--json'], {
    cwd: scratch.dir,
    env,
  });
  expect(JSON.parse(second.stdout), second.stderr).toMatchObject({ status: 'completed' });
  // The approved call was resumed from the checkpoint, which holds its input redacted: what a secret in a
  // model-made tool input turns into after a resume (documented in the durable-runs guide).
  expect(readFileSync(path.join(scratch.dir, 'workspace', 'copy.txt'), 'utf8')).toBe('copy of [redacted]');
  const output = [first.stdout, first.stderr, second.stdout, second.stderr].join('\n');
  return { dir: scratch.dir, output, runId: suspended.runId };
}

/** The names of the places that hold the canary, with how often. */
function leaks(places: Record<string, string>): string[] {
  return Object.entries(places)
    .filter(([, text]) => text.includes(CANARY))
    .map(([place, text]) => `${place} (${text.split(CANARY).length - 1}×)`);
}

function localFiles(dir: string): Record<string, string> {
  const files = filesUnder(dir);
  expect(files.some((file) => file.endsWith('.ndjson'))).toBe(true);
  return Object.fromEntries(files.map((file) => [path.relative(dir, file), readFileSync(file, 'latin1')]));
}

describe('registered secrets at rest', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('sqlite file, NDJSON logs, stdout and stderr hold no secret', async () => {
    const { dir, output } = await runAndResume('{ type: sqlite, config: { path: ./state/runs.db } }');
    const places = { ...localFiles(dir), 'stdout+stderr': output };
    expect(Object.keys(places).some((name) => name.includes('runs.db'))).toBe(true);
    expect(leaks(places)).toEqual([]);
  });

  it.skipIf(!REDIS_URL)(
    'Redis keys and values under the prefix hold no secret (needs REDIS_URL)',
    async () => {
      const prefix = `agentry-secrets-${suffix}:`;
      const redis = (...args: string[]) =>
        execFileSync('redis-cli', ['-u', REDIS_URL, '--no-raw', ...args], { encoding: 'latin1' });
      cleanups.push(() => {
        const keys = redis('--scan', '--pattern', `*${prefix}*`).split('\n').filter(Boolean);
        for (const key of keys) redis('DEL', JSON.parse(key) as string);
      });
      const { dir, output } = await runAndResume(`{ type: redis, config: { prefix: "${prefix}" } }`);
      const keys = execFileSync('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', `*${prefix}*`], {
        encoding: 'latin1',
      })
        .split('\n')
        .filter(Boolean);
      expect(keys.length).toBeGreaterThan(0);
      const places: Record<string, string> = { ...localFiles(dir), 'stdout+stderr': output };
      for (const key of keys) {
        const type = execFileSync('redis-cli', ['-u', REDIS_URL, 'TYPE', key], { encoding: 'latin1' }).trim();
        const read = {
          string: ['GET'],
          hash: ['HGETALL'],
          list: ['LRANGE', '0', '-1'],
          set: ['SMEMBERS'],
          zset: ['ZRANGE', '0', '-1', 'WITHSCORES'],
        }[type];
        const value = read
          ? execFileSync('redis-cli', ['-u', REDIS_URL, read[0] as string, key, ...read.slice(1)], {
              encoding: 'latin1',
            })
          : '';
        places[`redis ${key}`] = `${key}\n${value}`;
      }
      expect(leaks(places)).toEqual([]);
    },
  );

  it.skipIf(!DATABASE_URL)('PostgreSQL rows of the schema hold no secret (needs DATABASE_URL)', async () => {
    const schema = `agentry_secrets_${suffix}`;
    const psql = (sql: string) =>
      execFileSync('psql', [DATABASE_URL, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
        encoding: 'latin1',
      });
    cleanups.push(() => psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    const { dir, output } = await runAndResume(`{ type: postgres, config: { schema: ${schema} } }`);
    const tables = psql(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'`)
      .split('\n')
      .filter(Boolean);
    expect(tables.length).toBeGreaterThan(0);
    const places: Record<string, string> = { ...localFiles(dir), 'stdout+stderr': output };
    for (const table of tables)
      places[`postgres ${table}`] = psql(`SELECT t::text FROM ${schema}.${table} t`);
    expect(places[`postgres ${tables[0]}`]?.length).toBeGreaterThan(0);
    expect(leaks(places)).toEqual([]);
  });
});
