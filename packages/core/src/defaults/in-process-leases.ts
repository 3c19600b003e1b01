/** Leases held in this process's memory: exclusive and fenced within one process, for the memory and file stores. */
import type { Lease } from '../contracts/store.js';

/** The lease operations a `KeyvStore` backend provides; `now` is the caller's epoch milliseconds. */
export interface LeaseBackend {
  acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined>;
  release(lease: Lease): Promise<void>;
  read(name: string, now: number): Promise<Lease | undefined>;
}

/** How long an expired, unreleased lease is kept (its owner may still re-take it with the next token). */
const SWEEP_AFTER_MS = 60_000;

interface Holder {
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * Leases in a `Map`. Atomic because every operation runs synchronously on the
 * event loop; NOT shared between processes. Tokens come from one counter per
 * backend, so the next holder of any name always gets a higher token, and a
 * released or expired lease leaves nothing behind: a process that takes a
 * lease per run (run and session leases) does not grow with every run.
 */
export class InProcessLeases implements LeaseBackend {
  private readonly holders = new Map<string, Holder>();
  private lastToken = 0;
  /** Holder count after the last sweep of expired leases; the next sweep runs once it doubles. */
  private swept = 0;

  /** Takes a free or expired lease; the same owner re-acquiring an unexpired lease extends it and keeps the token. */
  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const current = this.holders.get(name);
    const live = current !== undefined && current.expiresAt > now;
    if (live && current.owner !== owner) return undefined;
    if (!live) this.sweep(now);
    // An expired holder still here is followed by its token + 1 (so its owner can tell nobody held it in
    // between); a released name by a token above every token handed out so far.
    const token = live ? current.token : current === undefined ? this.lastToken + 1 : current.token + 1;
    this.lastToken = Math.max(this.lastToken, token);
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
    if (current && current.owner === lease.owner && current.token === lease.token)
      this.holders.delete(lease.name);
  }

  /** Whether `name` is held, unexpired at `now`, with `token` (synchronous, for fenced writes in this process). */
  holds(name: string, token: number, now: number): boolean {
    const current = this.holders.get(name);
    return current !== undefined && current.token === token && current.expiresAt > now;
  }

  /** Whether anyone holds `name`, unexpired at `now` (synchronous, for the memory store's eviction). */
  held(name: string, now: number): boolean {
    const current = this.holders.get(name);
    return current !== undefined && current.expiresAt > now;
  }

  /** Gives `name` up if it is still held with `token` (a conditional write's `releaseFence`). */
  releaseToken(name: string, token: number): void {
    if (this.holders.get(name)?.token === token) this.holders.delete(name);
  }

  /** The unexpired holder, if any. */
  async read(name: string, now: number): Promise<Lease | undefined> {
    const current = this.holders.get(name);
    return current && current.expiresAt > now ? { name, ...current } : undefined;
  }

  /**
   * Drops leases that expired over a minute ago without being released (their
   * owners stopped), amortised over acquisitions.
   */
  private sweep(now: number): void {
    if (this.holders.size < 2 * this.swept + 64) return;
    for (const [name, holder] of this.holders)
      if (holder.expiresAt <= now - SWEEP_AFTER_MS) this.holders.delete(name);
    this.swept = this.holders.size;
  }
}
