/** Leases held in this process's memory: exclusive and fenced within one process, for the memory and file stores. */
import type { Lease } from '../contracts/store.js';

/** The lease operations a `KeyvStore` backend provides; `now` is the caller's epoch milliseconds. */
export interface LeaseBackend {
  acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined>;
  release(lease: Lease): Promise<void>;
  read(name: string, now: number): Promise<Lease | undefined>;
}

interface Holder {
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * Leases in a `Map`. Atomic because every operation runs synchronously on the
 * event loop; NOT shared between processes. The last token of a name is kept
 * after release so the next holder always gets a higher one.
 */
export class InProcessLeases implements LeaseBackend {
  private readonly holders = new Map<string, Holder>();

  /** Takes a free or expired lease; the same owner re-acquiring an unexpired lease extends it and keeps the token. */
  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const current = this.holders.get(name);
    const live = current !== undefined && current.expiresAt > now;
    if (live && current.owner !== owner) return undefined;
    const token = live ? current.token : (current?.token ?? 0) + 1;
    const holder = { owner, token, expiresAt: now + ttlMs };
    this.holders.set(name, holder);
    return { name, ...holder };
  }

  /** Extends an unexpired lease held with the same owner and token. */
  async renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const current = this.holders.get(lease.name);
    if (!current || current.owner !== lease.owner || current.token !== lease.token) return undefined;
    if (current.expiresAt <= now) return undefined;
    current.expiresAt = now + ttlMs;
    return { name: lease.name, ...current };
  }

  /** Ends the lease if it is still held with this owner and token. */
  async release(lease: Lease): Promise<void> {
    const current = this.holders.get(lease.name);
    if (current && current.owner === lease.owner && current.token === lease.token) current.expiresAt = 0;
  }

  /** Whether `name` is held, unexpired at `now`, with `token` (synchronous, for fenced writes in this process). */
  holds(name: string, token: number, now: number): boolean {
    const current = this.holders.get(name);
    return current !== undefined && current.token === token && current.expiresAt > now;
  }

  /** The unexpired holder, if any. */
  async read(name: string, now: number): Promise<Lease | undefined> {
    const current = this.holders.get(name);
    return current && current.expiresAt > now ? { name, ...current } : undefined;
  }
}
