/** Set-up shared by the run lease's tests: fake timers, stores closed after each test, a watched store. */
import { afterEach, beforeEach, vi } from 'vitest';
import type { Lease, Store } from '../../../contracts/store.js';
import { MemoryStore } from '../../../defaults/memory-store.js';

/**
 * Runs every test of the file on fake timers (the store's expiry, the heartbeat and the local deadline all
 * follow them) and closes the stores it made or kept after each test.
 */
export function leaseTestStores(): {
  newStore: () => MemoryStore;
  keep: <T extends MemoryStore>(store: T) => T;
} {
  const stores: MemoryStore[] = [];
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const store of stores.splice(0)) await store.close();
  });
  const keep = <T extends MemoryStore>(store: T): T => {
    stores.push(store);
    return store;
  };
  return { newStore: () => keep(new MemoryStore()), keep };
}

/** The lease calls the tests watch or replace. */
export type LeaseCall = 'acquireLease' | 'renewLease' | 'readLease' | 'releaseLease';

/**
 * `store` with a count of its lease calls; `replace` answers a call instead of the store (return
 * `undefined` from it to let the store answer).
 */
export function watched(
  store: Store,
  replace: Partial<Record<LeaseCall, (...args: never[]) => Promise<Lease | undefined> | undefined>> = {},
): { store: Store; calls: Record<LeaseCall, number> } {
  const calls: Record<LeaseCall, number> = { acquireLease: 0, renewLease: 0, readLease: 0, releaseLease: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const call = property as LeaseCall;
        if (call in calls) calls[call] += 1;
        const answer = (
          replace[call] as ((...a: unknown[]) => Promise<Lease | undefined> | undefined) | undefined
        )?.(...args);
        return answer ?? value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** `watched(store)` whose renewals wait until the test answers them (a renewal in flight while the run ends). */
export function heldRenewals(store: Store): {
  store: Store;
  calls: Record<LeaseCall, number>;
  answer: (lease: Lease | undefined) => void;
} {
  let resolveRenewal: ((lease: Lease | undefined) => void) | undefined;
  const { store: proxy, calls } = watched(store, {
    renewLease: () =>
      new Promise<Lease | undefined>((resolve) => {
        resolveRenewal = resolve;
      }),
  });
  return { store: proxy, calls, answer: (lease) => resolveRenewal?.(lease) };
}
