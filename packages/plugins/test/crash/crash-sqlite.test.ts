import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CRASH_POINTS,
  expectCrashReports,
  printCrashReport,
  runChild,
  runCrashMatrix,
} from './crash-harness.js';

// Requires built dist code: run `npx tsc -b` at the repository root first.
const root = mkdtempSync(join(tmpdir(), 'agentry-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CYCLES = Number(process.env.AGENTRY_CRASH_CYCLES ?? 20);

describe('durable runs survive SIGKILL at every named point (sqlite)', () => {
  it(`finishes every run with no duplicate effects over ${CYCLES} cycles per point`, async () => {
    const reports = await runCrashMatrix(
      CRASH_POINTS,
      (plan) => ({ kind: 'sqlite', path: join(root, plan.point, 'agentry.db') }),
      (plan) => join(root, plan.point),
      CYCLES,
      3,
    );
    printCrashReport('sqlite', reports);
    expectCrashReports(reports, CYCLES);
  }, 300_000);

  it('approves in a second process a run suspended for approval in a first one; the call runs once', async () => {
    const dir = join(root, 'approval');
    const store = { kind: 'sqlite' as const, path: join(dir, 'agentry.db') };
    const runId = `approval-${process.pid}`;
    const first = await runChild({
      store,
      dir,
      inlineTailBytes: 0,
      tasks: [{ action: 'run', agent: 'approve', runId }],
    });
    expect(first.killed).toBe(false);
    const suspended = first.lines[0];
    expect(suspended).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    const callId = suspended?.pending?.[0]?.callId;
    expect(existsSync(join(dir, 'executions.ndjson'))).toBe(false);

    const second = await runChild({ store, dir, inlineTailBytes: 0, tasks: [{ action: 'approve', runId }] });
    expect(second.lines[0]).toMatchObject({ status: 'completed', output: 'transferred', approved: [callId] });
    expect(second.lines[0]?.events?.contiguous).toBe(true);
    const executions = readFileSync(join(dir, 'executions.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(executions.map((line) => [line.tool, line.key])).toEqual([['transfer', callId]]);
  }, 90_000);
});
