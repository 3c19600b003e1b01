/**
 * Zombie harness: a durable run's owner is paused (SIGSTOP) just before an
 * `unsafe` side effect, its run lease expires, this process takes the run over
 * (resume → `outcome_unknown`, operator decision `retry` → the call runs), then
 * the paused owner is continued (SIGCONT). What a user must see: the call ran
 * exactly once, and nothing the zombie wrote after waking landed in the store.
 * The zombie is one long-lived child (`zombie-child.mjs`, built `dist` code)
 * that runs one run per cycle; cycles alternate between a pause inside the
 * tool (right before its signal check) and a pause right before the store
 * write of the call's `started` entry (after every check the runtime makes).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DefaultRuntime, defineTool, MittEventBus, ScriptedModel, type Store } from '@agentry/core';
import { StoreCheckpointer } from '@agentry/core/internal';
import { z } from 'zod';

const CHILD = fileURLToPath(new URL('./zombie-child.mjs', import.meta.url));
/** The zombie's run lease: short, so that each cycle waits about this long for it to expire. */
const ZOMBIE_LEASE_TTL_MS = 1_000;
/** Longest wait for any one step of a cycle. */
const STEP_LIMIT_MS = 20_000;

/** How the child opens its store (see zombie-child.mjs). */
export type StoreSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; options: Record<string, unknown> };

/** What the cycles produced; the last four must be 0 / empty. */
export interface ZombieReport {
  cycles: number;
  /** Takeovers that found the paused call as `outcome_unknown` (pause inside the tool). */
  outcomeUnknown: number;
  /** Writes of the zombie that its store refused with `store.lease_lost`. */
  refusedWrites: number;
  cycleMs: number[];
  /** Runs that stopped before their pause point (lost their lease on a starved machine) and were replaced. */
  endedEarly: string[];
  /** Executions of an unsafe call beyond one: must be 0. */
  doubleExecutions: number;
  /** Side effects the zombie executed after it woke: must be 0. */
  zombieEffects: number;
  /** Cycles where the store changed between the takeover's end and the zombie's end: must be 0. */
  staleWritesAccepted: number;
  failures: string[];
}

interface ZombieLine {
  runId: string;
  status: string;
  stopReason: string;
  error?: { code: string; message: string };
  refusals: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 10 ms; throws after STEP_LIMIT_MS. */
async function waitFor<T>(what: string, done: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const limit = Date.now() + STEP_LIMIT_MS;
  for (;;) {
    const value = await done();
    if (value !== undefined) return value;
    if (Date.now() > limit) throw new Error(`zombie test: no ${what} within ${STEP_LIMIT_MS} ms`);
    await sleep(10);
  }
}

/** True when the process is stopped (state `T` in `/proc/<pid>/stat`, Linux). */
function stopped(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

/** The long-lived zombie process and its result lines. */
function startZombie(store: StoreSpec, dir: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [CHILD, JSON.stringify({ store, dir, runLeaseTtlMs: ZOMBIE_LEASE_TTL_MS })],
    { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: ZombieLine[] = [];
  let stderr = '';
  let ready = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const parsed = JSON.parse(line) as ZombieLine | { ready: true };
    if ('ready' in parsed) ready = true;
    else lines.push(parsed);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const alive = () => {
    if (exited) throw new Error(`zombie child exited:\n${stderr}`);
  };
  return {
    child,
    ready: () =>
      waitFor('zombie start', () => {
        alive();
        return ready ? true : undefined;
      }),
    start: (runId: string, mode: 'tool' | 'write') =>
      child.stdin.write(`${JSON.stringify({ runId, mode })}\n`),
    result: (runId: string) =>
      waitFor(`zombie result of ${runId}`, () => {
        alive();
        return lines.find((line) => line.runId === runId);
      }),
    finished: (runId: string) => lines.find((line) => line.runId === runId),
    stop: async () => {
      child.stdin.end();
      await waitFor('zombie exit', () => (exited ? true : undefined)).catch(() => child.kill('SIGKILL'));
    },
  };
}

/** This process's runtime on the same store: the one that takes the run over. */
function takerOn(store: Store, effectsFile: string) {
  const charge = defineTool({
    name: 'charge',
    description: 'Charges a card (not safe to repeat)',
    input: z.object({ value: z.string() }),
    sideEffects: 'unsafe',
    execute: (input, context) => {
      appendFileSync(
        effectsFile,
        `${JSON.stringify({ runId: context.runId, key: context.idempotencyKey, pid: process.pid })}\n`,
      );
      return { charged: input.value };
    },
  });
  return new DefaultRuntime({
    store,
    events: new MittEventBus(),
    agents: {
      zombie: {
        model: new ScriptedModel({
          script: [{ toolCalls: [{ tool: 'charge', input: { value: '5 EUR' } }] }, 'charged'],
        }),
        durable: true,
        tools: [charge],
      },
    },
    // Long enough that this (busy) test process never passes its own lease deadline.
    runLeaseTtlMs: 15_000,
    durablePersistence: new StoreCheckpointer({ store, runtimeVersion: 'zombie-test' }),
  });
}

function effectsOf(file: string, runId: string): { pid: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { runId: string; pid: number })
    .filter((line) => line.runId === runId);
}

/** What the store holds of a run (checkpoint head and run record), as text. */
async function stateOf(store: Store, runId: string): Promise<string> {
  const [head, record] = await Promise.all([store.get('checkpoints', runId), store.get('runs', runId)]);
  return JSON.stringify({ head, record });
}

/** Runs `cycles` pause/takeover/continue cycles; `store` is this process's own store on the same backend. */
export async function runZombieCycles(
  spec: StoreSpec,
  store: Store,
  dir: string,
  cycles: number,
): Promise<ZombieReport> {
  const effectsFile = join(dir, 'effects.ndjson');
  const report: ZombieReport = {
    cycles,
    outcomeUnknown: 0,
    refusedWrites: 0,
    cycleMs: [],
    endedEarly: [],
    doubleExecutions: 0,
    zombieEffects: 0,
    staleWritesAccepted: 0,
    failures: [],
  };
  const zombie = startZombie(spec, dir);
  const taker = takerOn(store, effectsFile);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  try {
    await zombie.ready();
    for (let cycle = 0; cycle < cycles; cycle++) {
      const began = performance.now();
      const mode = cycle % 2 === 0 ? 'tool' : 'write';
      // A run that stops before its pause point (its owner, starved on a loaded machine, passed its own
      // lease deadline) is not what this tests: start another, a few times.
      let runId = '';
      for (let attempt = 0; attempt < 4 && runId === ''; attempt++) {
        const candidate = `zombie-${tag}-${cycle}-${attempt}`;
        zombie.start(candidate, mode);
        const reached = await waitFor('pause point', () =>
          existsSync(join(dir, `${candidate}.ready`)) ? true : zombie.finished(candidate) ? false : undefined,
        );
        if (reached) runId = candidate;
        else report.endedEarly.push(`${candidate}: ${JSON.stringify(zombie.finished(candidate))}`);
      }
      if (runId === '') {
        report.failures.push(`cycle ${cycle}: four runs ended before their pause point`);
        continue;
      }
      // In mode "write" the child stops itself: a SIGSTOP from here could land before its own and then
      // the child would stop again after SIGCONT. Either way, go on only once it is stopped.
      if (mode === 'tool') zombie.child.kill('SIGSTOP');
      await waitFor('the zombie to stop', () => (stopped(zombie.child.pid!) ? true : undefined));
      await waitFor('lease expiry', async () =>
        (await store.readLease(`run:${runId}`)) === undefined ? true : undefined,
      );
      let taken = await taker.resume(runId);
      if (taken.status === 'suspended' && taken.stopReason === 'outcome_unknown') {
        report.outcomeUnknown++;
        const decisions = Object.fromEntries(
          taken.pending.map((pending) => [pending.callId, { outcome: 'retry' as const }]),
        );
        taken = await taker.resume(runId, { decisions });
      } else if (mode === 'tool') {
        report.failures.push(`${runId}: the takeover did not find the paused call as outcome_unknown`);
      }
      if (taken.status !== 'completed') {
        report.failures.push(
          `${runId}: takeover ended ${taken.status}/${taken.stopReason}: ${taken.error?.message}`,
        );
      }
      const before = await stateOf(store, runId);
      writeFileSync(join(dir, `${runId}.go`), '');
      zombie.child.kill('SIGCONT');
      const line = await zombie.result(runId);
      const after = await stateOf(store, runId);
      report.refusedWrites += line.refusals;
      if (after !== before) {
        report.staleWritesAccepted++;
        report.failures.push(`${runId}: the store changed after the zombie woke`);
      }
      if (line.status === 'completed') report.failures.push(`${runId}: the zombie completed the run`);
      if (mode === 'write' && line.refusals === 0) {
        report.failures.push(`${runId}: the zombie's started entry was not refused by the store`);
      }
      const effects = effectsOf(effectsFile, runId);
      report.doubleExecutions += Math.max(0, effects.length - 1);
      report.zombieEffects += effects.filter((effect) => effect.pid !== process.pid).length;
      if (effects.length === 0) report.failures.push(`${runId}: the call never ran`);
      report.cycleMs.push(performance.now() - began);
    }
  } finally {
    zombie.child.kill('SIGCONT');
    await zombie.stop();
    await taker.close();
  }
  return report;
}

/** One line per store for the test output (and the figures). */
export function printZombieReport(store: string, report: ZombieReport): void {
  const sorted = [...report.cycleMs].sort((a, b) => a - b);
  const median = sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `zombie ${store}: cycles=${report.cycles} double_executions=${report.doubleExecutions} zombie_effects=${report.zombieEffects} stale_writes_accepted=${report.staleWritesAccepted} refused_writes=${report.refusedWrites} outcome_unknown=${report.outcomeUnknown} ended_early=${report.endedEarly.length} median_cycle_ms=${Math.round(median)} failures=${report.failures.length}`,
  );
  for (const failure of report.failures.slice(0, 10)) console.log(`  ${failure}`);
}
