/**
 * The server bench (`npm run bench`) still runs: a small one (200 runs, 3 requests per row) must print
 * every row. Speed is the bench's business; this only keeps it from breaking unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bench = fileURLToPath(new URL('../bench/run.js', import.meta.url));

describe('the server bench', () => {
  it('runs on a small store and prints its rows', { timeout: 120_000 }, () => {
    const result = spawnSync(process.execPath, [bench], {
      env: { ...process.env, BENCH_RUNS: '200', BENCH_REQUESTS: '3' },
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('GET /api/v1/runs p50 (200 runs with 1024 B answers, page of 50)');
    expect(result.stdout).toContain('SSE fan-out: 500 events to 100 subscribers');
  });
});
