/**
 * A zombie worker on the real Redis (BullMQ) and PostgreSQL (store): SIGSTOP freezes a worker in the
 * middle of its runs, another worker takes them over once their leases expire and completes them, then
 * SIGCONT wakes the zombie. Its writes carry a stale fence and are refused; no side effect runs twice.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cluster, DATABASE_URL, REDIS_URL } from './__fixtures__/cluster.js';

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.destroy();
});

const ended = (record: { status: string }) => record.status === 'completed' || record.status === 'suspended';
const REFUSED = 'a stale write was refused';

/** The worker id a worker's log announces (`worker <id> · agents · concurrency N`). */
function workerId(log: string): string | undefined {
  return /worker (\S+) ·/.exec(log)?.[1];
}

describe.skipIf(!REDIS_URL || !DATABASE_URL)('a zombie worker (needs REDIS_URL and DATABASE_URL)', () => {
  it('SIGSTOP mid-run: another worker takes the runs over and completes them; after SIGCONT the zombie writes nothing and no side effect runs twice', {
    timeout: 180_000,
  }, async () => {
    // Tool calls of 1.5 s, a run lease of 2 s: the stop lands inside a tool call.
    const nodes = new Cluster({
      REDIS_URL: REDIS_URL!,
      DATABASE_URL: DATABASE_URL!,
      AGENTRY_RUN_LEASE_TTL_MS: '2000',
      TOOL_MS: '1500',
    });
    clusters.push(nodes);
    const runtime = await nodes.runtime();
    const zombie = nodes.start(['--concurrency', '4']);
    const runIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      runIds.push((await runtime.enqueue({ agent: 'worker', input: `zombie ${index}` })).runId);
    }
    await nodes.waitFor(runIds, (record) => record.status === 'running', 60_000);
    const zombieId = workerId(nodes.logs[0]!);
    expect(zombieId).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    zombie.kill('SIGSTOP');
    const stoppedAt = Date.now();
    try {
      nodes.start(['--concurrency', '4']);
      const taken = await nodes.waitFor(runIds, ended, 90_000);
      // The zombie drove none of them to their end: the other worker did, from the zombie's checkpoints.
      for (const record of taken) expect(record.worker).not.toBe(zombieId);
    } finally {
      zombie.kill('SIGCONT');
    }
    // Awake, the zombie tries to go on with each of its runs: every such write is refused.
    await vi.waitFor(() => expect(refusals(nodes.logs[0]!)).toBeGreaterThanOrEqual(runIds.length), {
      timeout: 60_000,
      interval: 200,
    });
    const refused = refusals(nodes.logs[0]!);
    const byStore = nodes.logs[0]!.split('\n').filter(
      (line) => line.includes(REFUSED) && line.includes('"store"'),
    );
    console.log(
      `zombie: stopped ${Math.round((Date.now() - stoppedAt) / 1000)} s; ${refused} stale writes refused (${byStore.length} by the store's fence, the rest by the lease's local deadline)`,
    );

    // Nothing the zombie did after waking changed a run: records and events are those of the new owner.
    const records = await nodes.waitFor(runIds, ended, 10_000);
    for (const record of records) expect(record.worker).not.toBe(zombieId);
    for (const runId of runIds) {
      const types = (await runtime.runs.events(runId)).map((event) => event.type);
      expect(types).not.toContain('run.cancelled');
      expect(types).not.toContain('run.failed');
      expect(['run.completed', 'run.suspended']).toContain(types.at(-1));
    }
    const effects = nodes.effects();
    const charges = effects.filter((effect) => effect.tool === 'charge').map((effect) => effect.callId);
    expect(charges.length).toBe(new Set(charges).size);
    const keys = new Map<string, Set<string>>();
    for (const effect of effects.filter((entry) => entry.tool === 'effect')) {
      const call = `${effect.runId}#${effect.n}`;
      keys.set(call, (keys.get(call) ?? new Set()).add(effect.key));
    }
    expect([...keys.values()].filter((set) => set.size > 1)).toEqual([]);
  });
});

function refusals(log: string): number {
  return log.split('\n').filter((line) => line.includes(REFUSED)).length;
}
