import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../run/run-snapshot.js';
import { StoreCheckpointer } from './checkpointer.js';
import { RunOwner, runLeaseName } from './run-lease.js';

const NONE: EncodedRunEvents = { runId: '', sessionId: '', agentId: '', firstSeq: 0, items: [] };

const stores: MemoryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function snapshot(runId: string, status: RunSnapshot['status']): RunSnapshot {
  return {
    runId,
    sessionId: 's',
    agentId: 'a',
    input: 'hi',
    durable: true,
    status,
    step: 0,
    patternState: { messages: [{ role: 'user', content: 'hi' }] },
    memoryMessages: [],
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      modelCalls: 0,
      toolCalls: 0,
      durationMs: 0,
    },
    ledger: {},
    pending: [],
    sticky: {},
    decisions: {},
    eventSeq: 0,
    resumeAttempts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('RunOwner', () => {
  it('refuses a second owner while the first holds the run, naming the holder', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const ownership = await new RunOwner({ store, owner: 'worker-a' }).acquire('run-1');
    const error = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1').catch((caught) => caught);
    expect(isAgentryError(error) && error.code).toBe('run.not_resumable');
    expect(error.message).toContain('worker-a');
    await ownership.release();
    const next = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1');
    expect(next.lease.owner).toBe('worker-b');
    await next.release();
  });

  it('refuses to run the same run twice at once in one process', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const first = await owner.acquire('run-2');
    await expect(owner.acquire('run-2')).rejects.toMatchObject({ code: 'run.not_resumable' });
    await first.release();
    await (await owner.acquire('run-2')).release();
  });

  it('with waitMs, takes over a lease its dead owner stopped renewing, and refuses one that is renewed', async () => {
    const store = new MemoryStore();
    stores.push(store);
    // A dead owner: took the lease and never renewed it.
    await store.acquireLease(runLeaseName('orphan'), 'dead-worker', 80);
    const owner = new RunOwner({ store, owner: 'worker-b', ttlMs: 80 });
    await expect(owner.acquire('orphan')).rejects.toMatchObject({ code: 'run.not_resumable' });
    const taken = await owner.acquire('orphan', { waitMs: 160 });
    expect(taken.lease.owner).toBe('worker-b');
    await taken.release();

    // A live owner (a ttl long enough that a loaded machine does not pass its local deadline).
    const alive = await new RunOwner({ store, owner: 'worker-a', ttlMs: 600 }).acquire('owned');
    const refused = await owner.acquire('owned', { waitMs: 1_200 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'run.not_resumable' });
    expect((refused as Error).message).toContain('worker-a');
    expect(alive.lost).toBe(false);
    await alive.release();
  });

  it('fences writes: ensureHeld fails once another owner took the expired lease', async () => {
    let now = 1_000;
    const store = new MemoryStore({ clock: { now: () => now } });
    stores.push(store);
    const paused = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('fenced');
    await paused.ensureHeld();
    // The process was paused past its lease, and another worker took the run over.
    now += 120_000;
    const other = await new RunOwner({ store, owner: 'worker-b', ttlMs: 60_000 }).acquire('fenced');
    await expect(paused.ensureHeld()).rejects.toMatchObject({ code: 'run.not_resumable' });
    expect(paused.lost).toBe(true);
    await paused.release();
    expect((await store.readLease(runLeaseName('fenced')))?.owner).toBe('worker-b');
    await other.release();
  });

  it('keeps the lease alive with its heartbeat beyond the ttl', async () => {
    const store = new MemoryStore();
    stores.push(store);
    // Fake timers (Date included): a loaded machine must not make the heartbeat look late.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
    try {
      const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60 }).acquire('run-3');
      await vi.advanceTimersByTimeAsync(200);
      expect((await store.readLease(runLeaseName('run-3')))?.owner).toBe('worker-a');
      expect(ownership.lost).toBe(false);
      vi.useRealTimers();
      await ownership.release();
      expect(await store.readLease(runLeaseName('run-3'))).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('finds running runs whose owner is gone, and only those', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: 'test' });
    await checkpointer.save(snapshot('crashed', 'running'), NONE, 'run.started');
    await checkpointer.save(snapshot('alive', 'running'), NONE, 'run.started');
    await checkpointer.save(snapshot('suspended', 'suspended'), NONE, 'run.suspended');
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const alive = await owner.acquire('alive');
    // A crashed owner: its lease was taken with a short ttl and never renewed.
    await store.acquireLease(runLeaseName('crashed'), 'dead-worker', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await owner.orphans()).toEqual(['crashed']);
    expect(await owner.isOrphaned('crashed')).toBe(true);
    expect(await owner.isOrphaned('alive')).toBe(false);
    await alive.release();
  });
});
