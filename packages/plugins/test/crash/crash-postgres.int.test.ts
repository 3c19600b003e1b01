import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { CRASH_POINTS, expectCrashReports, printCrashReport, runCrashMatrix } from './crash-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-crash-postgres-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CYCLES = Number(process.env.AGENTRY_CRASH_CYCLES ?? 20);
const tag = `${process.pid}_${Date.now().toString(36)}`;

describe.skipIf(!process.env.DATABASE_URL)(
  'durable runs survive SIGKILL at every named point (postgres)',
  () => {
    it(`finishes every run with no duplicate effects over ${CYCLES} cycles per point`, async () => {
      const reports = await runCrashMatrix(
        CRASH_POINTS,
        (plan) => ({
          kind: 'postgres',
          options: {
            url: process.env.DATABASE_URL as string,
            schema: `crash_${tag}`.toLowerCase(),
            table: `store_${plan.point.replace('-', '_')}`,
          },
        }),
        (plan) => join(root, plan.point),
        CYCLES,
        3,
      );
      printCrashReport('postgres', reports);
      expectCrashReports(reports, CYCLES);
    }, 600_000);
  },
);
