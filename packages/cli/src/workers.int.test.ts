/**
 * `agentry worker` processes on the real Redis (BullMQ) and PostgreSQL (store): takeover after SIGKILL,
 * SIGTERM drain, and limits that hold across workers. `AGENTRY_CLUSTER_RUNS` and `AGENTRY_CLUSTER_KILLS`
 * set the size of the kill test (default 24 runs and 8 kills, part of `npm test`; the full size is
 * `AGENTRY_CLUSTER_RUNS=300`, which kills until every run has stopped).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { activeIntervals, Cluster, DATABASE_URL, overlapping, REDIS_URL } from './__fixtures__/cluster.js';

const RUNS = Number(process.env.AGENTRY_CLUSTER_RUNS ?? 24);
/** SIGKILLs of the kill test (default 8 for 24 runs; the full size kills until every run has stopped). */
const KILLS = Number(process.env.AGENTRY_CLUSTER_KILLS ?? (RUNS <= 24 ? 8 : Number.POSITIVE_INFINITY));
/** How long every run of the kill test gets to stop; past it the test fails naming the runs left behind. */
const BOUND_MS = Math.max(120_000, RUNS * 4_000);
/** Time between a model call taking its rate-limit slot and logging itself, in a busy process. */
const ALLOWANCE_MS = 300;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.destroy();
});

function cluster(env: Record<string, string> = {}): Cluster {
  const made = new Cluster({
    REDIS_URL: REDIS_URL!,
    DATABASE_URL: DATABASE_URL!,
    AGENTRY_RUN_LEASE_TTL_MS: '2000',
    ...env,
  });
  clusters.push(made);
  return made;
}

const ended = (record: { status: string }) => record.status === 'completed' || record.status === 'suspended';

describe.skipIf(!REDIS_URL || !DATABASE_URL)(
  'agentry worker cluster (needs REDIS_URL and DATABASE_URL)',
  () => {
    it(`${RUNS} durable runs on 3 workers killed with SIGKILL at random and restarted: every run completes or waits for a decision, no unsafe call twice, no idempotent call under two keys`, {
      timeout: BOUND_MS + 60_000,
    }, async () => {
      // Tool calls of 300 ms: a kill lands in the middle of runs, often inside a side effect.
      const nodes = cluster({ TOOL_MS: process.env.AGENTRY_CLUSTER_TOOL_MS ?? '300' });
      const runtime = await nodes.runtime();
      const runIds: string[] = [];
      for (let index = 0; index < RUNS; index++) {
        runIds.push((await runtime.enqueue({ agent: 'worker', input: `job ${index}` })).runId);
      }
      const live = [0, 1, 2].map(() => nodes.start(['--concurrency', '4']));
      let kills = 0;
      let done = false;
      const killer = (async () => {
        while (!done && kills < KILLS) {
          await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1500));
          // Only a worker that has started driving runs: killing one still loading its config tests nothing.
          const ready = live.flatMap((child, index) => (nodes.driving(child) ? [index] : []));
          if (done || ready.length === 0) continue;
          const victim = ready[Math.floor(Math.random() * ready.length)]!;
          live[victim]!.kill('SIGKILL');
          kills += 1;
          live[victim] = nodes.start(['--concurrency', '4']);
        }
      })();
      const records = await nodes.waitFor(runIds, ended, BOUND_MS).finally(() => {
        done = true;
      });
      await killer;
      const effects = nodes.effects();
      const charges = new Map<string, number>();
      for (const effect of effects.filter((entry) => entry.tool === 'charge')) {
        charges.set(effect.callId, (charges.get(effect.callId) ?? 0) + 1);
      }
      const keys = new Map<string, Set<string>>();
      for (const effect of effects.filter((entry) => entry.tool === 'effect')) {
        const call = `${effect.runId}#${effect.n}`;
        keys.set(call, (keys.get(call) ?? new Set()).add(effect.key));
      }
      const suspended = records.filter((record) => record.status === 'suspended');
      console.log(
        `cluster: ${RUNS} runs, ${kills} SIGKILLs, ${records.length - suspended.length} completed, ${suspended.length} suspended (outcome_unknown), ${effects.length} tool executions`,
      );
      expect(records.every(ended)).toBe(true);
      expect(suspended.every((record) => record.stopReason === 'outcome_unknown')).toBe(true);
      expect([...charges.values()].filter((count) => count > 1)).toEqual([]);
      expect([...keys.values()].filter((set) => set.size > 1)).toEqual([]);
      // Completed runs did every step; the workers that drove them are named.
      for (const record of records.filter((entry) => entry.status === 'completed')) {
        expect(record.output).toBe('Done.');
        expect(record.worker).toBeTruthy();
      }
    });

    it('SIGTERM drains a worker: its runs are interrupted and continue on another worker without waiting for the lease', {
      timeout: 120_000,
    }, async () => {
      // A run lease of 60 s: a run left to expire would not finish within this test's timeout.
      const nodes = cluster({ AGENTRY_RUN_LEASE_TTL_MS: '60000', TOOL_MS: '1500' });
      const runtime = await nodes.runtime();
      const first = nodes.start(['--concurrency', '4']);
      const runIds: string[] = [];
      for (let index = 0; index < 3; index++)
        runIds.push((await runtime.enqueue({ agent: 'worker', input: `drain ${index}` })).runId);
      await nodes.waitFor(runIds, (record) => record.status === 'running');
      const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
      first.kill('SIGTERM');
      expect(await exited).toBe(0);
      nodes.start(['--concurrency', '4']);
      const records = await nodes.waitFor(runIds, ended);
      expect(records.map((record) => record.status)).toEqual(['completed', 'completed', 'completed']);
      for (const runId of runIds) {
        const events = await runtime.runs.events(runId);
        const drivers = new Set(
          events.flatMap((event) =>
            (event.type === 'run.started' || event.type === 'run.resumed') && event.data.worker
              ? [event.data.worker]
              : [],
          ),
        );
        expect(events.map((event) => event.type)).toContain('run.interrupted');
        expect(drivers.size).toBe(2);
      }
      expect(nodes.logs[0]).toContain('SIGTERM: draining');
    });

    it('limits hold across 2 workers: one active run of a session, and maxActiveRuns of an agent', {
      timeout: 180_000,
    }, async () => {
      const nodes = cluster({ TOOL_MS: '100' });
      const runtime = await nodes.runtime();
      nodes.start(['--concurrency', '4']);
      nodes.start(['--concurrency', '4']);
      // Both workers take jobs before any is queued, so that both take part.
      await vi.waitFor(
        () => expect(nodes.logs.filter((log) => log.includes('concurrency 4'))).toHaveLength(2),
        {
          timeout: 60_000,
          interval: 50,
        },
      );
      const session: string[] = [];
      const solo: string[] = [];
      for (let index = 0; index < 6; index++) {
        session.push(
          (await runtime.enqueue({ agent: 'chat', input: `turn ${index}`, sessionId: 'shared-session' }))
            .runId,
        );
        solo.push((await runtime.enqueue({ agent: 'solo', input: `solo ${index}` })).runId);
      }
      await nodes.waitFor([...session, ...solo], ended);
      const workersOf = async (runIds: string[]) =>
        new Set(
          (await Promise.all(runIds.map((runId) => runtime.runs.get(runId)))).map((record) => record?.worker),
        );
      // Both workers took part, and still the runs never overlapped.
      expect((await workersOf([...session, ...solo])).size).toBe(2);
      expect(overlapping(await activeIntervals(runtime, session))).toBe(false);
      expect(overlapping(await activeIntervals(runtime, solo))).toBe(false);
    });

    it('a model rate limit holds across 2 workers: at most 3 calls start in any second, counting the calls of both', {
      timeout: 180_000,
    }, async () => {
      const nodes = cluster({ TOOL_MS: '10' });
      const runtime = await nodes.runtime();
      nodes.start(['--concurrency', '4']);
      nodes.start(['--concurrency', '4']);
      await vi.waitFor(
        () => expect(nodes.logs.filter((log) => log.includes('concurrency 4'))).toHaveLength(2),
        { timeout: 60_000, interval: 50 },
      );
      const runIds: string[] = [];
      for (let index = 0; index < 8; index++) {
        runIds.push((await runtime.enqueue({ agent: 'paced', input: `paced ${index}` })).runId);
      }
      const records = await nodes.waitFor(runIds, ended, 120_000);
      expect(records.map((record) => record.status)).toEqual(runIds.map(() => 'completed'));
      const calls = nodes.modelCalls().sort((a, b) => a.at - b.at);
      expect(calls).toHaveLength(16);
      expect(new Set(calls.map((call) => call.pid)).size).toBe(2);
      // Any 4 calls in a row span a second: a call is logged just after its slot was taken, so a small
      // allowance covers the time between the two in a busy process.
      const spans = calls.slice(3).map((call, index) => call.at - calls[index]!.at);
      console.log(
        `rate limit: 16 calls from 2 workers in ${calls.at(-1)!.at - calls[0]!.at} ms; shortest span of 4 calls ${Math.min(...spans)} ms`,
      );
      for (const span of spans) expect(span).toBeGreaterThanOrEqual(1000 - ALLOWANCE_MS);
      // 16 calls at 3 a second: the 16th starts in the sixth second.
      expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(5000 - ALLOWANCE_MS);
    });
  },
);
