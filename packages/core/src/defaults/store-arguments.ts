/**
 * Checks of the arguments a `KeyvStore` is given (ttls, lease owners, leases, fences), each failing with a
 * `store.unsupported` that names the store and says what to pass, and the `store.lease_lost` of a refused
 * fenced write.
 */
import type { Lease, StoreFence } from '../contracts/store.js';
import { StoreError } from '../errors/agentry-error.js';
import { encodeStoreSegment } from './store-keys.js';

/** A ttl as a whole number of milliseconds; `store.unsupported` for anything but a positive number. */
export function checkedTtl(store: string, ttlMs: number, what: string): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new StoreError('store.unsupported', {
      message: `${store} store: ${what} must be a positive number of milliseconds, got ${String(ttlMs)}`,
      hint: 'Pass a positive ttlMs, or leave it out for entries that never expire.',
      context: { plugin: store },
    });
  }
  return Math.ceil(ttlMs);
}

export function checkOwner(store: string, owner: string): void {
  if (typeof owner !== 'string' || owner === '') {
    throw new StoreError('store.unsupported', {
      message: `${store} store: a lease owner must be a non-empty string`,
      hint: 'Use a unique id per worker or process as the owner.',
      context: { plugin: store },
    });
  }
}

export function checkLeaseName(name: string): void {
  encodeStoreSegment(name, 'lease name');
}

export function checkLease(store: string, lease: Lease): void {
  if (typeof lease !== 'object' || lease === null || !Number.isInteger(lease.token)) {
    throw new StoreError('store.unsupported', {
      message: `${store} store: expected a lease returned by acquireLease/renewLease`,
      hint: 'Pass the Lease object the store returned.',
      context: { plugin: store },
    });
  }
  checkLeaseName(lease.name);
  checkOwner(store, lease.owner);
}

/** `store.unsupported` for a fence that is not an object with an integer token (its lease name is checked apart). */
export function checkFenceShape(store: string, fence: StoreFence): void {
  if (typeof fence !== 'object' || fence === null || !Number.isInteger(fence.token)) {
    throw new StoreError('store.unsupported', {
      message: `${store} store: a write fence needs a lease name and the integer token of its Lease`,
      hint: 'Pass { lease: lease.name, token: lease.token } of a lease this store returned.',
      context: { plugin: store },
    });
  }
}

/** `store.lease_lost`: a fenced write refused. */
export function leaseLost(store: string, fence: StoreFence): StoreError {
  return new StoreError('store.lease_lost', {
    message: `${store} store refused a write: lease "${fence.lease}" is no longer held with token ${fence.token}`,
    hint: 'Another process holds the lease now (it took the run over); this process must stop writing. Nothing was written.',
    retryable: false,
    context: { plugin: store },
  });
}
