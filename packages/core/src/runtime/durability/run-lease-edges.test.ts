import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Lease } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { heldRenewals, leaseTestStores, watched } from './__fixtures__/lease-tests.js';
import { RunOwner, runLeaseName } from './run-lease.js';

const { keep } = leaseTestStores();

/** A store whose lease clock the test moves on its own (a process paused past its lease, a takeover). */
function storeWithClock(): { store: MemoryStore; advance: (ms: number) => void } {
  let now = Date.now();
  const store = new MemoryStore({ clock: { now: () => now } });
  keep(store);
  return { store, advance: (ms) => (now += ms) };
}

const LOST = {
  code: 'run.not_resumable',
  message: 'Run r lost its lease; another process may own it now',
  hint: 'The run stops here; the new owner continues it from its last checkpoint.',
  context: { runId: 'r' },
};

describe('RunOwnership: renewing', () => {
  it('renews once per third of the ttl, one store call each, and asks the store nothing while the lease is fresh', async () => {
    const { store, calls } = watched(new MemoryStore());
    const owner = new RunOwner({ store, owner: 'worker-a', ttlMs: 300 });
    expect(owner.owner).toBe('worker-a');
    const ownership = await owner.acquire('r');
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toMatchObject({ acquireLease: 1, renewLease: 3 });
    await ownership.ensureHeld();
    expect(calls).toMatchObject({ acquireLease: 1, renewLease: 3, readLease: 0 });
    await ownership.release();
  });

  it('sends a slow store one renewal at a time', async () => {
    let answer!: (lease: Lease | undefined) => void;
    const base = new MemoryStore();
    keep(base);
    const { store, calls } = watched(base, {
      renewLease: () =>
        new Promise<Lease | undefined>((resolve) => {
          answer = resolve;
        }),
    });
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 3_000 }).acquire('r');
    await vi.advanceTimersByTimeAsync(2_500);
    expect(calls.renewLease).toBe(1);
    answer(await base.renewLease(ownership.lease, 3_000));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.renewLease).toBe(2);
    expect(ownership.lost).toBe(false);
    await ownership.release();
  });

  it('a renewal that fails after release reports no loss and leaves the lease free', async () => {
    const base = keep(new MemoryStore());
    const { store, answer } = heldRenewals(base);
    const lostRuns: string[] = [];
    const ownership = await new RunOwner({
      store,
      owner: 'worker-a',
      ttlMs: 300,
      onLost: (runId) => lostRuns.push(runId),
    }).acquire('r');
    await vi.advanceTimersByTimeAsync(100);
    await ownership.release();
    answer(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(lostRuns).toEqual([]);
    expect(ownership.lost).toBe(false);
    expect(await base.readLease(runLeaseName('r'))).toBeUndefined();
  });
});

describe('RunOwnership: losing the lease', () => {
  it('once the heartbeat found the lease taken over, the run stops and every later check fails', async () => {
    const { store, advance } = storeWithClock();
    const lostRuns: string[] = [];
    const ownership = await new RunOwner({
      store,
      owner: 'worker-a',
      ttlMs: 60_000,
      onLost: (runId) => lostRuns.push(runId),
    }).acquire('r');
    advance(120_000);
    const other = await store.acquireLease(runLeaseName('r'), 'worker-b', 60_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(lostRuns).toEqual(['r']);
    expect(ownership.signal.reason).toMatchObject(LOST);
    // Its own copy of the lease has not expired yet, by this process's clock: the loss still counts.
    await expect(ownership.ensureHeld()).rejects.toMatchObject(LOST);
    expect((await store.readLease(runLeaseName('r')))?.token).toBe(other!.token);
    await ownership.release();
  });

  it('a wall clock that jumps past the lease while the store is unreachable stops the run at the next heartbeat', async () => {
    const base = new MemoryStore();
    keep(base);
    let cut = false;
    const unreachable = () => (cut ? Promise.reject(new Error('store unreachable')) : undefined);
    const { store } = watched(base, { renewLease: unreachable, acquireLease: unreachable });
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 3_000 }).acquire('r');
    cut = true;
    // The wall clock jumps (this process's monotonic clock does not): at the next heartbeat, the
    // store's expiry is reached.
    vi.setSystemTime(Date.now() + 2_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(ownership.lost).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ownership.lost).toBe(true);
    await ownership.release();
  });

  it('does not take back a lease someone else held in between, and gives it up', async () => {
    const { store, advance } = storeWithClock();
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('r');
    // Paused past the lease: worker-b took the run and let it go again.
    advance(120_000);
    vi.setSystemTime(Date.now() + 120_000);
    const other = await store.acquireLease(runLeaseName('r'), 'worker-b', 60_000);
    await store.releaseLease(other!);
    await expect(ownership.ensureHeld()).rejects.toMatchObject(LOST);
    expect(ownership.lost).toBe(true);
    expect(await store.readLease(runLeaseName('r'))).toBeUndefined();
  });

  it('after release, a check never takes the lease again (nor asks the store for it)', async () => {
    const clocked = storeWithClock();
    const { store, calls } = watched(clocked.store);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('r');
    await ownership.release();
    clocked.advance(120_000);
    vi.setSystemTime(Date.now() + 120_000);
    await expect(ownership.ensureHeld()).rejects.toMatchObject(LOST);
    expect(await store.readLease(runLeaseName('r'))).toBeUndefined();
    expect(calls).toMatchObject({ acquireLease: 1, renewLease: 0 });
  });

  it('a check at the very moment the lease expires by the wall clock renews it', async () => {
    const store = new MemoryStore();
    keep(store);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 }).acquire('r');
    const { token, expiresAt } = ownership.lease;
    vi.setSystemTime(expiresAt);
    await ownership.ensureHeld();
    // The store counts the lease expired at that moment: it was taken again, with the next token.
    expect(ownership.lease.token).toBe(token + 1);
    await ownership.release();
  });

  it('releasing a lost ownership keeps the place of the one that replaced it in the same process', async () => {
    const { store, advance } = storeWithClock();
    const owner = new RunOwner({ store, owner: 'worker-a', ttlMs: 60_000 });
    const first = await owner.acquire('r');
    advance(120_000);
    vi.setSystemTime(Date.now() + 120_000);
    const other = await store.acquireLease(runLeaseName('r'), 'worker-b', 60_000);
    await store.releaseLease(other!);
    await expect(first.ensureHeld()).rejects.toMatchObject(LOST);
    const second = await owner.acquire('r');
    await first.release();
    expect(owner.fenceOf('r')).toEqual(second.fence);
    await expect(owner.acquire('r')).rejects.toMatchObject({
      code: 'run.not_resumable',
      message: 'Run r is already being executed by "worker-a" (this process)',
      hint: 'Wait for the current execution to finish or suspend before resuming it again.',
      context: { runId: 'r' },
    });
    await second.release();
  });
});

/** `promise`'s outcome so far, without awaiting it (the test moves the fake clock in between). */
function track<T>(promise: Promise<T>): {
  state: () => 'pending' | 'resolved' | 'rejected';
  error: () => unknown;
} {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  promise.then(
    () => (state = 'resolved'),
    (caught: unknown) => {
      state = 'rejected';
      error = caught;
    },
  );
  return { state: () => state, error: () => error };
}

describe('RunOwner.acquire: watching a lease held by someone else', () => {
  it('a lease that vanishes between the two looks is tried again a moment later', async () => {
    const base = new MemoryStore();
    keep(base);
    let misses = 1;
    const { store, calls } = watched(base, {
      acquireLease: () => (misses-- > 0 ? Promise.resolve(undefined) : undefined),
      readLease: () => Promise.resolve(undefined),
    });
    const taking = track(new RunOwner({ store, owner: 'worker-a', ttlMs: 600 }).acquire('r'));
    await vi.advanceTimersByTimeAsync(4);
    expect(calls.acquireLease).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(taking.state()).toBe('resolved');
    expect(calls.acquireLease).toBe(2);
  });

  it('a store that keeps refusing without naming a holder is given up after three looks', async () => {
    const { store, calls } = watched(new MemoryStore(), {
      acquireLease: () => Promise.resolve(undefined),
      readLease: () => Promise.resolve(undefined),
    });
    const taking = track(new RunOwner({ store, owner: 'worker-a', ttlMs: 600 }).acquire('r'));
    await vi.advanceTimersByTimeAsync(100);
    expect(taking.state()).toBe('rejected');
    expect(taking.error()).toMatchObject({
      code: 'run.not_resumable',
      message: 'Run r is being executed by another process',
      hint: 'Wait for it to finish or suspend; if that process died, the run becomes resumable once its lease expires.',
      context: { runId: 'r' },
    });
    expect(calls.acquireLease).toBe(3);
  });

  it('recognises an owner that renews within a couple of looks, long before the wait ends', async () => {
    const store = new MemoryStore();
    keep(store);
    const alive = await new RunOwner({ store, owner: 'worker-x', ttlMs: 600 }).acquire('r');
    const taking = track(
      new RunOwner({ store, owner: 'worker-b', ttlMs: 600 }).acquire('r', { waitMs: 10_000 }),
    );
    await vi.advanceTimersByTimeAsync(400);
    expect(taking.state()).toBe('rejected');
    expect((taking.error() as Error).message).toMatch(
      /^Run r is being executed by "worker-x" \(lease expires \d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
    );
    await alive.release();
  });

  it('recognises another owner that took the lease in between, even when its expiry moved little', async () => {
    const store = new MemoryStore();
    keep(store);
    const first = await store.acquireLease(runLeaseName('r'), 'worker-x', 100);
    const taking = track(
      new RunOwner({ store, owner: 'worker-b', ttlMs: 600 }).acquire('r', { waitMs: 1_000 }),
    );
    await vi.advanceTimersByTimeAsync(50);
    await store.releaseLease(first!);
    await store.acquireLease(runLeaseName('r'), 'worker-y', 60);
    await vi.advanceTimersByTimeAsync(200);
    expect(taking.state()).toBe('rejected');
    expect((taking.error() as Error).message).toContain('"worker-y"');
  });

  it('does not take the jitter of a store-reported expiry for a renewal', async () => {
    const store = new MemoryStore();
    keep(store);
    const dead = await store.acquireLease(runLeaseName('r'), 'worker-x', 100);
    const taking = track(
      new RunOwner({ store, owner: 'worker-b', ttlMs: 600 }).acquire('r', { waitMs: 1_000 }),
    );
    // One late renewal that moves the expiry by exactly the tolerance (a sixth of 600 ms): then nothing.
    await vi.advanceTimersByTimeAsync(50);
    await store.renewLease(dead!, 150);
    await vi.advanceTimersByTimeAsync(300);
    expect(taking.state()).toBe('resolved');
  });

  it("takes a dead owner's lease right after it expires, with one more look", async () => {
    const { store, calls } = watched(new MemoryStore());
    await store.acquireLease(runLeaseName('r'), 'dead-worker', 30);
    const owner = new RunOwner({ store, owner: 'worker-b', ttlMs: 600 });
    const taking = track(owner.acquire('r', { waitMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(35);
    expect(taking.state()).toBe('resolved');
    expect(calls.acquireLease).toBe(3);
    expect(owner.fenceOf('r')?.token).toBeGreaterThan(1);
  });

  it('waits for a lease that expires exactly when the wait ends', async () => {
    const store = new MemoryStore();
    keep(store);
    await store.acquireLease(runLeaseName('r'), 'dead-worker', 100);
    const taking = track(
      new RunOwner({ store, owner: 'worker-b', ttlMs: 600 }).acquire('r', { waitMs: 100 }),
    );
    await vi.advanceTimersByTimeAsync(105);
    expect(taking.state()).toBe('resolved');
  });

  it("stops waiting as soon as the caller's signal aborts, leaving no listener on it", async () => {
    const store = new MemoryStore();
    keep(store);
    await store.acquireLease(runLeaseName('r'), 'dead-worker', 10_000);
    const controller = new AbortController();
    const taking = track(
      new RunOwner({ store, owner: 'worker-b', ttlMs: 600 }).acquire('r', {
        waitMs: 20_000,
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(350);
    // Several looks so far; only the current wait listens to the signal.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(taking.state()).toBe('rejected');
    expect((taking.error() as Error).message).toContain('"dead-worker"');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
