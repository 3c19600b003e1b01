/**
 * Crash harness: runs durable agents in child processes (`crash-child.mjs`
 * against built `dist` code), SIGKILLs them at named points through
 * `AGENTRY_CRASH_AT`, resumes each run in a fresh process and checks what a
 * user would notice: every run finishes, no effect happens twice, unsafe
 * calls interrupted mid-flight come back as `outcome_unknown`, events stay
 * contiguous. Each child resumes the previous crashed run, then starts (and
 * crashes) the next one, so a chain of N cycles costs N + 1 processes.
 * Children use a 2 s run lease (a loaded machine must not push a live child past its local lease
 * deadline, a tenth of the TTL before expiry): a resume right after a SIGKILL waits for
 * the dead child's lease to expire (part of `median_resume_ms`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const CHILD = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));

/** A crash point and how many times one run passes it (the kill hit cycles through 1..hits). */
export interface CrashPointPlan {
  point:
    | 'model-response'
    | 'model-checkpoint'
    | 'tool-started'
    | 'tool-effect'
    | 'tool-checkpoint'
    | 'delta-written';
  hits: number;
  /** Hit numbers at which the unsafe `charge` call is between `started` and its result. */
  unsafeHits?: number[];
}

/** Every named point, with the hits of the child's four-step script. */
const ALL_POINTS: readonly CrashPointPlan[] = [
  { point: 'model-response', hits: 4 },
  { point: 'model-checkpoint', hits: 4 },
  { point: 'tool-started', hits: 3, unsafeHits: [2] },
  { point: 'tool-effect', hits: 3, unsafeHits: [2] },
  { point: 'tool-checkpoint', hits: 3 },
  // Hit 1 is the first save of a run: a kill there leaves no checkpoint; resume starts the run again from its input.
  { point: 'delta-written', hits: 5 },
];

/** The points to run: all of them, or those listed in `AGENTRY_CRASH_POINTS` (comma-separated). */
export const CRASH_POINTS: readonly CrashPointPlan[] = process.env.AGENTRY_CRASH_POINTS
  ? ALL_POINTS.filter((plan) => process.env.AGENTRY_CRASH_POINTS?.split(',').includes(plan.point))
  : ALL_POINTS;

/** How the child opens its store (see crash-child.mjs). */
export type StoreSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; options: Record<string, unknown> };

interface ChildLine {
  action: 'run' | 'resume' | 'approve';
  runId: string;
  status: string;
  stopReason?: string;
  error?: { code: string; message: string };
  resumeMs?: number;
  sinceSpawnMs?: number;
  unknown?: { callId: string; tool: string; effectHappened: boolean }[];
  pending?: { callId: string; tool: string; reason: string }[];
  approved?: string[];
  events?: { count: number; contiguous: boolean; first: string; last: string; duplicateSucceeded: number };
}

/** Runs one child process with the given tasks; resolves with its result lines and whether it was killed. */
export function runChild(options: {
  store: StoreSpec;
  dir: string;
  inlineTailBytes: number;
  tasks: unknown[];
}): Promise<{ lines: ChildLine[]; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env: { ...process.env, AGENTRY_CRASH_AT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as ChildLine);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`crash child exited with ${code ?? signal}:\n${stderr}\n${stdout}`));
        return;
      }
      resolve({ lines, killed: signal === 'SIGKILL', stderr });
    });
  });
}

/** What one chain of cycles (one point, one store) produced. */
export interface ChainReport {
  point: string;
  cycles: number;
  kills: number;
  completed: number;
  outcomeUnknown: number;
  /** Effects of idempotent/unsafe tools beyond one per call: must be 0. */
  duplicateEffects: number;
  /** Executions of unsafe calls not preceded by an explicit `retry` decision: must be 0. */
  silentUnsafeReruns: number;
  /** Idempotent and `none` calls executed again after a kill (allowed; deduped by key). */
  retriedSafeCalls: number;
  /** Kills inside an unsafe call that did not come back as outcome_unknown: must be 0. */
  unsafeKillsNotUnknown: number;
  eventsContiguous: boolean;
  duplicateSucceededEvents: number;
  resumeMs: number[];
  sinceSpawnMs: number[];
  failures: string[];
}

interface LedgerLine {
  runId: string;
  tool: string;
  key: string;
  pid: number;
}

function readLedger(file: string): LedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerLine);
}

/**
 * Runs `cycles` crash/resume cycles at one point against one store: cycle k
 * starts run k armed with `<point>:<1 + k mod hits>` and the next process
 * resumes it. Inline tails alternate between 0 (a chunk per save) and 512 bytes.
 */
export async function runCrashChain(
  plan: CrashPointPlan,
  store: StoreSpec,
  dir: string,
  cycles: number,
): Promise<ChainReport> {
  mkdirSync(dir, { recursive: true });
  const report: ChainReport = {
    point: plan.point,
    cycles,
    kills: 0,
    completed: 0,
    outcomeUnknown: 0,
    duplicateEffects: 0,
    silentUnsafeReruns: 0,
    retriedSafeCalls: 0,
    unsafeKillsNotUnknown: 0,
    eventsContiguous: true,
    duplicateSucceededEvents: 0,
    resumeMs: [],
    sinceSpawnMs: [],
    failures: [],
  };
  const runIdOf = (cycle: number) => `crash-${plan.point}-${cycle}-${process.pid}-${Date.now().toString(36)}`;
  const runIds: string[] = [];
  const retried = new Map<string, number>();
  const unsafeCrash = new Set<string>();
  let previous: string | undefined;
  for (let cycle = 0; cycle <= cycles; cycle++) {
    const tasks: unknown[] = [];
    if (previous !== undefined) tasks.push({ action: 'resume', runId: previous });
    let runId: string | undefined;
    if (cycle < cycles) {
      runId = runIdOf(cycle);
      runIds.push(runId);
      const hit = 1 + (cycle % plan.hits);
      if (plan.unsafeHits?.includes(hit)) unsafeCrash.add(runId);
      tasks.push({ action: 'run', runId, crashAt: `${plan.point}:${hit}` });
    }
    const inlineTailBytes = plan.point === 'delta-written' || cycle % 2 === 0 ? 0 : 512;
    const { lines, killed } = await runChild({ store, dir, inlineTailBytes, tasks });
    for (const line of lines) {
      if (line.action === 'resume') {
        report.resumeMs.push(line.resumeMs ?? 0);
        report.sinceSpawnMs.push(line.sinceSpawnMs ?? 0);
        if (line.status === 'completed') report.completed++;
        else
          report.failures.push(
            `${line.runId} resumed to ${line.status}/${line.stopReason}: ${line.error?.message}`,
          );
        const unknown = line.unknown ?? [];
        report.outcomeUnknown += unknown.length;
        for (const entry of unknown) {
          if (entry.tool !== 'charge')
            report.failures.push(`${line.runId}: outcome_unknown for ${entry.tool}`);
          if (!entry.effectHappened) retried.set(entry.callId, (retried.get(entry.callId) ?? 0) + 1);
        }
        if (unsafeCrash.has(line.runId) && !unknown.some((entry) => entry.tool === 'charge')) {
          report.unsafeKillsNotUnknown++;
          report.failures.push(
            `${line.runId}: killed inside the unsafe call but resumed without outcome_unknown`,
          );
        }
        if (
          !line.events?.contiguous ||
          line.events.first !== 'run.started' ||
          line.events.last !== 'run.completed'
        ) {
          report.eventsContiguous = false;
          report.failures.push(`${line.runId}: events ${JSON.stringify(line.events)}`);
        }
        report.duplicateSucceededEvents += line.events?.duplicateSucceeded ?? 0;
      } else if (line.action === 'run') {
        // The kill point was never reached: the run completed in one process.
        if (line.status === 'completed') report.completed++;
        else report.failures.push(`${line.runId} ended ${line.status}/${line.stopReason} without a crash`);
      }
    }
    if (killed) report.kills++;
    previous = killed ? runId : undefined;
  }

  const effects = readLedger(join(dir, 'effects.ndjson'));
  const executions = readLedger(join(dir, 'executions.ndjson'));
  for (const runId of runIds) {
    const mine = effects.filter((line) => line.runId === runId);
    for (const tool of ['reserve', 'charge', 'notify']) {
      const count = mine.filter((line) => line.tool === tool).length;
      if (count === 0) report.failures.push(`${runId}: ${tool} never took effect`);
      report.duplicateEffects += Math.max(0, count - 1);
    }
    const runs = executions.filter((line) => line.runId === runId);
    const byKey = new Map<string, LedgerLine[]>();
    for (const line of runs) byKey.set(line.key, [...(byKey.get(line.key) ?? []), line]);
    for (const [key, lines] of byKey) {
      const tool = lines[0]?.tool;
      if (tool === 'charge')
        report.silentUnsafeReruns += Math.max(0, lines.length - 1 - (retried.get(key) ?? 0));
      else report.retriedSafeCalls += lines.length - 1;
    }
  }
  return report;
}

/** Runs several chains with at most `concurrency` at once. */
export async function runCrashMatrix(
  plans: readonly CrashPointPlan[],
  storeFor: (plan: CrashPointPlan) => StoreSpec,
  dirFor: (plan: CrashPointPlan) => string,
  cycles: number,
  concurrency: number,
): Promise<ChainReport[]> {
  const reports: ChainReport[] = new Array(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const plan = plans[index] as CrashPointPlan;
      reports[index] = await runCrashChain(plan, storeFor(plan), dirFor(plan), cycles);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  return reports;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The figures the lead asked for, one row per point. */
export function printCrashReport(store: string, reports: readonly ChainReport[]): void {
  const rows = reports.map((report) => ({
    store,
    point: report.point,
    cycles: report.cycles,
    kills: report.kills,
    completed: report.completed,
    outcome_unknown: report.outcomeUnknown,
    duplicate_effects: report.duplicateEffects,
    silent_unsafe_reruns: report.silentUnsafeReruns,
    retried_safe_calls: report.retriedSafeCalls,
    unsafe_kills_not_unknown: report.unsafeKillsNotUnknown,
    events_ok: report.eventsContiguous && report.duplicateSucceededEvents === 0,
    median_resume_ms: Number(median(report.resumeMs).toFixed(1)),
    median_spawn_to_done_ms: Number(median(report.sinceSpawnMs).toFixed(0)),
  }));
  console.log(`crash matrix (${store})`);
  console.table(rows);
}

/**
 * What every crash matrix must show, per point: every cycle killed and finished, no duplicate
 * effect, no silent rerun of an unsafe call, every kill inside one an `outcome_unknown`, events contiguous.
 */
export function expectCrashReports(reports: readonly ChainReport[], cycles: number): void {
  for (const report of reports) {
    expect(report.failures, report.point).toEqual([]);
    expect(report.kills, report.point).toBe(cycles);
    expect(report.completed, report.point).toBe(cycles);
    expect(report.duplicateEffects, report.point).toBe(0);
    expect(report.silentUnsafeReruns, report.point).toBe(0);
    expect(report.unsafeKillsNotUnknown, report.point).toBe(0);
    expect(report.eventsContiguous, report.point).toBe(true);
    expect(report.duplicateSucceededEvents, report.point).toBe(0);
    // The unsafe call is killed from the second cycle on (hit 2 of 3), and every such kill must be reported.
    if ((report.point === 'tool-started' || report.point === 'tool-effect') && cycles >= 2)
      expect(report.outcomeUnknown, report.point).toBeGreaterThan(0);
  }
}
