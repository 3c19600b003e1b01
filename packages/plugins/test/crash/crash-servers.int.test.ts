import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ChainReport,
  CRASH_POINTS,
  printCrashReport,
  runCrashMatrix,
  type StoreSpec,
} from './crash-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-crash-int-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CYCLES = Number(process.env.AGENTRY_CRASH_CYCLES ?? 20);
const tag = `${process.pid}_${Date.now().toString(36)}`;

function check(reports: readonly ChainReport[]): void {
  for (const report of reports) {
    expect(report.failures, report.point).toEqual([]);
    expect(report.kills, report.point).toBe(CYCLES);
    expect(report.completed, report.point).toBe(CYCLES);
    expect(report.duplicateEffects, report.point).toBe(0);
    expect(report.silentUnsafeReruns, report.point).toBe(0);
    expect(report.unsafeKillsNotUnknown, report.point).toBe(0);
    expect(report.eventsContiguous, report.point).toBe(true);
    expect(report.duplicateSucceededEvents, report.point).toBe(0);
  }
}

async function matrix(store: string, specFor: (point: string) => StoreSpec): Promise<void> {
  const reports = await runCrashMatrix(
    CRASH_POINTS,
    (plan) => specFor(plan.point),
    (plan) => join(root, store, plan.point),
    CYCLES,
    3,
  );
  printCrashReport(store, reports);
  check(reports);
}

describe.skipIf(!process.env.REDIS_URL)('durable runs survive SIGKILL at every named point (redis)', () => {
  it(`finishes every run with no duplicate effects over ${CYCLES} cycles per point`, async () => {
    await matrix('redis', (point) => ({
      kind: 'redis',
      url: process.env.REDIS_URL as string,
      prefix: `agentry-crash:${tag}:${point}:`,
    }));
  }, 600_000);
});

describe.skipIf(!process.env.DATABASE_URL)(
  'durable runs survive SIGKILL at every named point (postgres)',
  () => {
    it(`finishes every run with no duplicate effects over ${CYCLES} cycles per point`, async () => {
      await matrix('postgres', (point) => ({
        kind: 'postgres',
        options: {
          url: process.env.DATABASE_URL as string,
          schema: `crash_${tag}`.toLowerCase(),
          table: `store_${point.replace('-', '_')}`,
        },
      }));
    }, 600_000);
  },
);
