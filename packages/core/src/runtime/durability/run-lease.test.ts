import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import type { EncodedRunEvents } from '../records/event-log.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { leaseTestStores } from './__fixtures__/lease-tests.js';
import { StoreCheckpointer } from './checkpointer.js';
import { RunOwner, runLeaseName } from './run-lease.js';

const NONE: EncodedRunEvents = { runId: '', sessionId: '', agentId: '', firstSeq: 0, items: [] };

const { newStore, keep } = leaseTestStores();

/** `store` whose lease renewals fail, once `cut()` was called, as if the store could not be reached. */
function cuttable(store: Store): { store: Store; cut: () => void } {
  let cut = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (cut && (property === 'renewLease' || property === 'acquireLease')) {
        return () => Promise.reject(new Error('store unreachable'));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, cut: () => (cut = true) };
}

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

describe('RunOwner: acquire', () => {
  it('refuses a second owner while the first holds the run, naming the holder', async () => {
    const store = newStore();
    const ownership = await new RunOwner({ store, owner: 'worker-a' }).acquire('run-1');
    const error = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1').catch((caught) => caught);
    expect(isAgentryError(error) && error.code).toBe('run.not_resumable');
    expect(error.message).toContain('worker-a');
    await ownership.release();
    const next = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1');
    expect(next.lease.owner).toBe('worker-b');
    expect(next.lease.token).toBeGreaterThan(ownership.lease.token);
    await next.release();
  });

  it('refuses to run the same run twice at once in one process, and allows it again after release', async () => {
    const store = newStore();
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const first = await owner.acquire('run-2');
    await expect(owner.acquire('run-2')).rejects.toMatchObject({ code: 'run.not_resumable' });
    expect(owner.fenceOf('run-2')).toEqual({ lease: runLeaseName('run-2'), token: first.lease.token });
    await first.release();
    expect(owner.fenceOf('run-2')).toBeUndefined();
    await (await owner.acquire('run-2')).release();
  });

  it('release gives the lease up once; a second release is harmless', async () => {
    const store = newStore();
    const ownership = await new RunOwner({ store, owner: 'worker-a' }).acquire('run-r');
    expect((await store.readLease(runLeaseName('run-r')))?.owner).toBe('worker-a');
    await ownership.release();
    await ownership.release();
    expect(await store.readLease(runLeaseName('run-r'))).toBeUndefined();
    expect(ownership.lost).toBe(false);
  });
});

describe('RunOwner: renew', () => {
  it('keeps the lease alive with its heartbeat well beyond the ttl, with the same token', async () => {
    const store = newStore();
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60 }).acquire('run-3');
    const token = ownership.lease.token;
    await vi.advanceTimersByTimeAsync(600);
    const held = await store.readLease(runLeaseName('run-3'));
    expect(held).toMatchObject({ owner: 'worker-a', token });
    expect(held!.expiresAt).toBeGreaterThan(Date.now());
    expect(ownership.lost).toBe(false);
    await ownership.ensureHeld();
    await ownership.release();
    expect(await store.readLease(runLeaseName('run-3'))).toBeUndefined();
  });

  it('ensureHeld re-takes a lease that expired while nobody else took it, and the run goes on', async () => {
    let now = 1_000;
    const store = new MemoryStore({ clock: { now: () => now } });
    keep(store);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('run-e');
    const token = ownership.lease.token;
    // The store's clock passed the lease (this process's own clock did not): nobody took it meanwhile.
    now += 120_000;
    vi.setSystemTime(Date.now() + 120_000);
    await ownership.ensureHeld();
    expect(ownership.lost).toBe(false);
    expect(ownership.lease.token).toBe(token + 1);
    expect((await store.readLease(runLeaseName('run-e')))?.owner).toBe('worker-a');
    await ownership.release();
  });
});

describe('RunOwner: expiry', () => {
  it('a run whose lease cannot be renewed stops at its local deadline and reports the loss', async () => {
    const store = newStore();
    const lostRuns: string[] = [];
    const seen = cuttable(store);
    const owner = new RunOwner({
      store: seen.store,
      owner: 'worker-a',
      ttlMs: 300,
      onLost: (runId) => lostRuns.push(runId),
    });
    const ownership = await owner.acquire('run-x');
    seen.cut();
    await vi.advanceTimersByTimeAsync(200);
    expect(ownership.lost).toBe(false);
    // ttl 300 − margin 30: the deadline passes at 270 ms, before the store's expiry.
    await vi.advanceTimersByTimeAsync(80);
    expect(ownership.lost).toBe(true);
    expect(ownership.signal.reason).toMatchObject({ code: 'run.not_resumable' });
    expect(lostRuns).toEqual(['run-x']);
    await expect(ownership.ensureHeld()).rejects.toMatchObject({ code: 'run.not_resumable' });
    // The process frees the run for the next owner: it may take it at once.
    expect(owner.fenceOf('run-x')).toBeUndefined();
    const next = await new RunOwner({ store, owner: 'worker-b', ttlMs: 300 }).acquire('run-x');
    expect(next.lease.owner).toBe('worker-b');
    await next.release();
    await ownership.release();
  });
});

describe('RunOwner: takeover', () => {
  it('with waitMs, takes over a lease its dead owner stopped renewing, with a higher token', async () => {
    const store = newStore();
    // A dead owner: took the lease and never renewed it.
    const dead = await store.acquireLease(runLeaseName('orphan'), 'dead-worker', 80);
    const owner = new RunOwner({ store, owner: 'worker-b', ttlMs: 80 });
    await expect(owner.acquire('orphan')).rejects.toMatchObject({ code: 'run.not_resumable' });
    const taking = owner.acquire('orphan', { waitMs: 160 });
    await vi.advanceTimersByTimeAsync(160);
    const taken = await taking;
    expect(taken.lease.owner).toBe('worker-b');
    expect(taken.lease.token).toBeGreaterThan(dead!.token);
    await taken.release();
  });

  it('with waitMs, refuses a lease whose owner renews it, naming that owner', async () => {
    const store = newStore();
    const alive = await new RunOwner({ store, owner: 'worker-a', ttlMs: 600 }).acquire('owned');
    const owner = new RunOwner({ store, owner: 'worker-b', ttlMs: 80 });
    const refusing = owner.acquire('owned', { waitMs: 1_200 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_200);
    const refused = await refusing;
    expect(refused).toMatchObject({ code: 'run.not_resumable' });
    expect((refused as Error).message).toContain('worker-a');
    expect(alive.lost).toBe(false);
    await alive.release();
  });

  it('with waitMs, refuses at once a lease that outlives the wait', async () => {
    const store = newStore();
    await store.acquireLease(runLeaseName('long'), 'dead-worker', 10_000);
    const owner = new RunOwner({ store, owner: 'worker-b', ttlMs: 80 });
    await expect(owner.acquire('long', { waitMs: 100 })).rejects.toMatchObject({ code: 'run.not_resumable' });
  });
});

describe('RunOwner: fence', () => {
  it('ensureHeld fails once another owner took the expired lease, and the store refuses the old fence', async () => {
    let now = 1_000;
    const store = new MemoryStore({ clock: { now: () => now } });
    keep(store);
    const paused = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('fenced');
    await paused.ensureHeld();
    await store.set('fence-test', 'k', 'a', { fence: paused.fence });
    // The process was paused past its lease, and another worker took the run over.
    now += 120_000;
    vi.setSystemTime(Date.now() + 120_000);
    const other = await new RunOwner({ store, owner: 'worker-b', ttlMs: 60_000 }).acquire('fenced');
    expect(other.fence.token).toBeGreaterThan(paused.fence.token);
    await expect(paused.ensureHeld()).rejects.toMatchObject({ code: 'run.not_resumable' });
    expect(paused.lost).toBe(true);
    await expect(store.set('fence-test', 'k', 'stale', { fence: paused.fence })).rejects.toMatchObject({
      code: 'store.lease_lost',
    });
    await store.set('fence-test', 'k', 'b', { fence: other.fence });
    expect(await store.get('fence-test', 'k')).toBe('b');
    await paused.release();
    expect((await store.readLease(runLeaseName('fenced')))?.owner).toBe('worker-b');
    await other.release();
  });
});

describe('RunOwner: orphans', () => {
  it('finds running runs whose owner is gone, and only those', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: 'test' });
    await checkpointer.save(snapshot('crashed', 'running'), NONE, 'model.responded');
    await checkpointer.save(snapshot('alive', 'running'), NONE, 'model.responded');
    await checkpointer.save(snapshot('suspended', 'suspended'), NONE, 'run.suspended');
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const alive = await owner.acquire('alive');
    // A crashed owner: its lease was taken with a short ttl and never renewed.
    await store.acquireLease(runLeaseName('crashed'), 'dead-worker', 1_000);
    expect(await owner.orphans()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(await owner.orphans()).toEqual(['crashed']);
    expect(await owner.isOrphaned('crashed')).toBe(true);
    expect(await owner.isOrphaned('alive')).toBe(false);
    expect(await owner.isOrphaned('suspended')).toBe(false);
    await alive.release();
  });
});
