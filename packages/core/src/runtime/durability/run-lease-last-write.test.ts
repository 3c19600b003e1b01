/**
 * A completed run's last write gives its run lease up in its own transaction (`lastWrite` /
 * `lastWriteDone`): no release call after it, no renewal taking the lease again, no loss reported.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../../contracts/store.js';
import { heldRenewals, leaseTestStores, watched } from './__fixtures__/lease-tests.js';
import { RunOwner, runLeaseName } from './run-lease.js';

const { newStore } = leaseTestStores();

/** The last write as the run's final save makes it: fenced, giving the lease up in the same transaction. */
async function finalWrite(store: Store, fence: { lease: string; token: number }): Promise<void> {
  await store.setBatchIf?.([{ namespace: 'checkpoints', key: 'r', value: { done: true } }], {
    fence,
    releaseFence: true,
  });
}

describe('RunOwnership: a last write that gives the lease up', () => {
  it('ends the ownership without a release call: no renewal after it, and the run may be taken again', async () => {
    const base = newStore();
    const { store, calls } = watched(base);
    const lostRuns: string[] = [];
    const owner = new RunOwner({ store, owner: 'worker-a', ttlMs: 3_000, onLost: (id) => lostRuns.push(id) });
    const ownership = await owner.acquire('r');
    const fence = ownership.lastWrite();
    expect(fence).toEqual(ownership.fence);
    await finalWrite(base, fence);
    ownership.lastWriteDone(true);
    expect(owner.fenceOf('r')).toBeUndefined();
    // Neither the heartbeat nor the local deadline is left running.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2_500);
    await ownership.release();
    expect(calls).toEqual({ acquireLease: 1, renewLease: 0, readLease: 0, releaseLease: 0 });
    expect(ownership.lost).toBe(false);
    expect(lostRuns).toEqual([]);
    expect(await base.readLease(runLeaseName('r'))).toBeUndefined();
    // The same process may take the run again at once (a new owner would get a higher token).
    const again = await owner.acquire('r');
    expect(again.lease.token).toBeGreaterThan(fence.token);
    await again.release();
  });

  it('renews nothing while the last write is under way, and goes on renewing when it did not give the lease up', async () => {
    const base = newStore();
    const { store, calls } = watched(base);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 3_000 }).acquire('r');
    ownership.lastWrite();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(calls.renewLease).toBe(0);
    // The write failed (or the store could not release with it): the ownership is as before.
    ownership.lastWriteDone(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ownership.lost).toBe(false);
    expect(calls.renewLease).toBe(1);
    expect((await base.readLease(runLeaseName('r')))?.owner).toBe('worker-a');
    await ownership.release();
    expect(calls.releaseLease).toBe(1);
    expect(await base.readLease(runLeaseName('r'))).toBeUndefined();
  });

  it('a renewal that fails because the last write gave the lease up is no loss, and takes nothing back', async () => {
    const base = newStore();
    const { store, calls, answer } = heldRenewals(base);
    const lostRuns: string[] = [];
    const ownership = await new RunOwner({
      store,
      owner: 'worker-a',
      ttlMs: 3_000,
      onLost: (id) => lostRuns.push(id),
    }).acquire('r');
    // A renewal is in flight when the last write starts and gives the lease up.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.renewLease).toBe(1);
    const fence = ownership.lastWrite();
    await finalWrite(base, fence);
    answer(undefined);
    await vi.advanceTimersByTimeAsync(0);
    // Re-taking it would have been possible (nobody held it in between): it is given back at once.
    expect(calls.acquireLease).toBe(2);
    expect(await base.readLease(runLeaseName('r'))).toBeUndefined();
    ownership.lastWriteDone(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lostRuns).toEqual([]);
    expect(ownership.lost).toBe(false);
    expect(calls.renewLease).toBe(1);
  });

  it('a late lastWriteDone after release changes nothing', async () => {
    const base = newStore();
    const { store, calls } = watched(base);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 300 }).acquire('r');
    await ownership.release();
    ownership.lastWriteDone(true);
    await ownership.release();
    expect(calls.releaseLease).toBe(1);
  });
});
