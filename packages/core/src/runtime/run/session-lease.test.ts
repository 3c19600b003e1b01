import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Lease } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { acquireSessionLease } from './session-lease.js';

const TTL_MS = 30_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const live = () => new AbortController().signal;

describe('session lease', () => {
  it('keeps the session for a run that lasts longer than the lease TTL', async () => {
    const store = new MemoryStore();
    const held = await acquireSessionLease(store, 's1', 'run-a', undefined, live());
    await vi.advanceTimersByTimeAsync(TTL_MS * 4);
    expect(await store.acquireLease('session:s1', 'run-b', TTL_MS)).toBeUndefined();
    const lease = await store.readLease('session:s1');
    expect(lease?.owner).toBe('run-a');
    expect(lease?.expiresAt).toBeGreaterThan(Date.now());
    await held.release();
    expect(await store.acquireLease('session:s1', 'run-b', TTL_MS)).toBeDefined();
  });

  it('survives a failed renewal and renews on the next tick', async () => {
    const store = new MemoryStore();
    const renew = store.renewLease.bind(store);
    let failures = 1;
    vi.spyOn(store, 'renewLease').mockImplementation(async (lease: Lease, ttlMs: number) => {
      if (failures-- > 0) throw new Error('store briefly down');
      return renew(lease, ttlMs);
    });
    const held = await acquireSessionLease(store, 's2', 'run-a', undefined, live());
    await vi.advanceTimersByTimeAsync(TTL_MS * 2);
    expect((await store.readLease('session:s2'))?.expiresAt).toBeGreaterThan(Date.now());
    await held.release();
  });

  it('stops renewing once released, and release twice is harmless', async () => {
    const store = new MemoryStore();
    const renewals = vi.spyOn(store, 'renewLease');
    const held = await acquireSessionLease(store, 's3', 'run-a', undefined, live());
    await held.release();
    await held.release();
    await vi.advanceTimersByTimeAsync(TTL_MS * 2);
    expect(renewals).not.toHaveBeenCalled();
    expect(await store.acquireLease('session:s3', 'run-b', TTL_MS)).toBeDefined();
  });

  it('refuses at once with run.busy when the policy says fail', async () => {
    const store = new MemoryStore();
    await acquireSessionLease(store, 's4', 'run-a', undefined, live());
    await expect(acquireSessionLease(store, 's4', 'run-b', { onBusy: 'fail' }, live())).rejects.toMatchObject(
      {
        code: 'run.busy',
        message: 'Session "s4" already has an active run (run-a)',
        hint: expect.stringContaining('"enqueue"'),
        context: { sessionId: 's4', holderRunId: 'run-a' },
      },
    );
  });

  it('refuses without naming a holder when the holder let go between the refusal and the read', async () => {
    const store = new MemoryStore();
    await acquireSessionLease(store, 's4b', 'run-a', undefined, live());
    // The holder's lease is gone by the time the refusal looks it up.
    vi.spyOn(store, 'readLease').mockResolvedValue(undefined);
    const refused = await acquireSessionLease(store, 's4b', 'run-b', { onBusy: 'reject' }, live()).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      code: 'run.busy',
      message: 'Session "s4b" already has an active run',
      context: { sessionId: 's4b' },
    });
    expect((refused as { context: object }).context).not.toHaveProperty('holderRunId');
  });

  it('waits for the busy session and takes it when the other run releases it', async () => {
    const store = new MemoryStore();
    const first = await acquireSessionLease(store, 's5', 'run-a', undefined, live());
    let second: Awaited<ReturnType<typeof acquireSessionLease>> | undefined;
    const waiting = acquireSessionLease(store, 's5', 'run-b', { waitMs: 10_000 }, live()).then((lease) => {
      second = lease;
      return lease;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(second).toBeUndefined();
    await first.release();
    await vi.advanceTimersByTimeAsync(100);
    expect(second).toBeDefined();
    expect((await store.readLease('session:s5'))?.owner).toBe('run-b');
    await (await waiting).release();
  });

  it('gives up with run.busy after waitMs', async () => {
    const store = new MemoryStore();
    await acquireSessionLease(store, 's6', 'run-a', undefined, live());
    const waiting = acquireSessionLease(store, 's6', 'run-b', { waitMs: 500 }, live());
    const outcome = expect(waiting).rejects.toMatchObject({
      code: 'run.busy',
      message: 'Session "s6" still had an active run (run-a) after waiting 500 ms',
      hint: expect.stringContaining('session.waitMs'),
    });
    await vi.advanceTimersByTimeAsync(600);
    await outcome;
  });

  it('stops waiting when the run is aborted', async () => {
    const store = new MemoryStore();
    await acquireSessionLease(store, 's7', 'run-a', undefined, live());
    const controller = new AbortController();
    const waiting = acquireSessionLease(store, 's7', 'run-b', { waitMs: 60_000 }, controller.signal);
    const outcome = expect(waiting).rejects.toThrow('cancelled by the user');
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('cancelled by the user'));
    await vi.advanceTimersByTimeAsync(60_000);
    await outcome;
  });

  it('without a policy, waits 30 s for a busy session, then refuses naming the session', async () => {
    const store = new MemoryStore();
    await acquireSessionLease(store, 's8', 'run-a', undefined, live());
    const waiting = acquireSessionLease(store, 's8', 'run-b', undefined, live());
    const outcome = expect(waiting).rejects.toMatchObject({
      code: 'run.busy',
      message: 'Session "s8" still had an active run (run-a) after waiting 30000 ms',
      context: { sessionId: 's8', holderRunId: 'run-a' },
    });
    await vi.advanceTimersByTimeAsync(29_000);
    expect((await store.readLease('session:s8'))?.owner).toBe('run-a');
    await vi.advanceTimersByTimeAsync(2_000);
    await outcome;
  });

  it('a run whose session lease was taken over still finishes cleanly, and leaves the new holder alone', async () => {
    const store = new MemoryStore();
    const held = await acquireSessionLease(store, 's9', 'run-a', undefined, live());
    // The store lost the lease (it expired during an outage) and another run took the session.
    vi.spyOn(store, 'renewLease').mockResolvedValue(undefined);
    await store.releaseLease((await store.readLease('session:s9'))!);
    const other = await acquireSessionLease(store, 's9', 'run-b', undefined, live());
    // One heartbeat: its renewal finds the lease gone.
    await vi.advanceTimersByTimeAsync(TTL_MS / 3 + 1);
    await expect(held.release()).resolves.toBeUndefined();
    expect((await store.readLease('session:s9'))?.owner).toBe('run-b');
    await other.release();
  });
});
