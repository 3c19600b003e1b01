/**
 * Soak: thousands of runs of a realistic mix (plain, durable, suspended and resumed, failed, cancelled,
 * streamed, sessions with child runs) in one child process; its retained heap after a forced GC must
 * stay flat. `npm run bench` runs the same child at full size (50,000 runs).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('../../bench/soak-child.js', import.meta.url));

interface SoakReport {
  samples: { runs: number; heapBytes: number }[];
  statuses: Record<string, number>;
  finishedRunsKept: number;
}

function soak(runs: number, sampleAt: readonly number[]): Promise<SoakReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', child, String(runs), sampleAt.join(','), 'src'],
      { timeout: 280_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`soak child failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SoakReport);
      },
    );
  });
}

// From the 2,400th to the 7,200th run: a leak of 1 KB per run would add about 4.7 MB. The store keeps
// its last 200 finished runs (retention), so its own data is steady long before the first sample.
// The mix repeats every 12 runs: 9 complete, 2 fail, 1 is cancelled.
const FIRST = 2_400;
const LAST = 7_200;
const MAX_GROWTH_BYTES = 1.5 * 1024 * 1024;

describe('soak', () => {
  it('leaves nothing behind per run: retained heap stays flat over thousands of mixed runs', async () => {
    const report = await soak(LAST, [FIRST, LAST]);
    const [first, last] = report.samples;
    expect(report.statuses).toEqual({
      completed: (LAST / 12) * 9,
      failed: (LAST / 12) * 2,
      cancelled: LAST / 12,
    });
    expect(report.finishedRunsKept).toBe(200);
    const growth = last!.heapBytes - first!.heapBytes;
    expect(
      growth,
      `heap grew ${(growth / 1024).toFixed(0)} KB from run ${FIRST} to ${LAST} (${(growth / (LAST - FIRST)).toFixed(0)} bytes per run)`,
    ).toBeLessThan(MAX_GROWTH_BYTES);
  }, 300_000);
});
