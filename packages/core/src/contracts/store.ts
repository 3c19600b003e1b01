/** Contract for the `store` plugin kind: namespaced JSON key-value storage with leases, over keyv. */
import type { JsonValue } from './json.js';

/**
 * Proof that a write comes from the current holder of a lease (a fencing
 * token). A write that carries it is applied only if, atomically with the
 * write, the lease named `lease` is held — not expired — with this `token`;
 * otherwise nothing is written and the store throws a `StoreError`
 * `store.lease_lost`. Durable runs fence every checkpoint, ledger, event and
 * run-record write with their run lease (`run:<runId>`), so a process that
 * was paused past its lease cannot write over the process that took the run
 * over.
 */
export interface StoreFence {
  /** Name of the lease, as given to `acquireLease`. */
  readonly lease: string;
  /** `Lease.token` of the holder the write speaks for. */
  readonly token: number;
}

/** Options every write takes. */
export interface StoreWriteOptions {
  /**
   * The write may be acknowledged before the backend has flushed it to disk:
   * it is visible to every client at once and survives this process crashing,
   * but a crash of the backend itself may lose it (PostgreSQL: committed with
   * `synchronous_commit = off`; every later write without this option flushes
   * it too). Backends that make no such distinction ignore it.
   */
  deferFlush?: boolean;
  /** Apply the write only while this lease is held with this token (see `StoreFence`). */
  fence?: StoreFence;
}

/** Options of one `set`. */
export interface StoreSetOptions extends StoreWriteOptions {
  /** Expire the entry after this many milliseconds (stores without TTL support throw `store.unsupported`). */
  ttlMs?: number;
}

/**
 * One entry of `Store.setBatch`: a value, or the JSON text of one (as
 * `setJsonText` takes it).
 */
export type StoreBatchEntry =
  | { readonly namespace: string; readonly key: string; readonly value: JsonValue }
  | { readonly namespace: string; readonly key: string; readonly text: string };

/**
 * The conditions of a `Store.setBatchIf`, checked atomically with the write: when one does not hold,
 * nothing is written.
 */
export interface StoreConditionalOptions extends StoreWriteOptions {
  /**
   * Compare-and-set: the batch writes the entry `namespace`/`key` (it must be one of the batch's entries),
   * and is applied only while that entry still holds `value`, as `JSON.stringify` writes it (same key
   * order); `undefined`: only while the entry is absent.
   */
  expect?: { readonly namespace: string; readonly key: string; readonly value: JsonValue | undefined };
  /**
   * Applied only while nobody holds this lease (unexpired): the write is ordered with the writes of every
   * holder of the lease, as if it took the lease and gave it up around the write.
   */
  unleased?: string;
  /**
   * With `fence`: gives that lease up in the same transaction, once the write is applied (as `releaseLease`
   * would; the next holder gets a higher token).
   */
  releaseFence?: boolean;
}

/** An exclusive, expiring claim on a name (a session or a run), with a fencing token. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** Increases every time the lease changes hands; writers compare it to fence out stale owners. */
  readonly token: number;
  /** Epoch milliseconds after which another owner may take the lease. */
  readonly expiresAt: number;
}

/**
 * Durable storage. Every method either does what it says or throws a
 * `StoreError` (`store.unavailable` is retryable); a write that did not
 * happen is never a silent no-op. Values are plain JSON: implementations may
 * reject anything else, and give values back with their object keys in the
 * order they were written. Namespaces are isolated from each other.
 */
export interface Store {
  readonly kind: 'store';
  readonly specVersion: 1;
  readonly name: string;
  /**
   * True when the data lives in this process only (the `memory` store): nothing outside this store object
   * reads or writes it, so the runtime may skip store reads it can answer from what it wrote itself.
   */
  readonly processLocal?: boolean;
  get<T extends JsonValue = JsonValue>(namespace: string, key: string): Promise<T | undefined>;
  /** Values in the order of `keys`; `undefined` where missing. */
  getMany<T extends JsonValue = JsonValue>(
    namespace: string,
    keys: readonly string[],
  ): Promise<(T | undefined)[]>;
  set(namespace: string, key: string, value: JsonValue, options?: StoreSetOptions): Promise<void>;
  /**
   * Optional fast path of `set` for a value the caller already holds as JSON
   * text: `text` must be what `JSON.stringify` made of a plain JSON value. The
   * store keeps it without parsing or re-serialising it; `get` returns the
   * parsed value, with its keys in the same order. Callers fall back to
   * `set(namespace, key, JSON.parse(text))` when a store lacks it.
   */
  setJsonText?(namespace: string, key: string, text: string, options?: StoreSetOptions): Promise<void>;
  /**
   * Writes several entries; each entry is written atomically, the batch as a
   * whole need not be — except with `options.fence`: a fenced batch is
   * written whole or not at all.
   */
  setMany(
    namespace: string,
    entries: readonly { key: string; value: JsonValue }[],
    options?: StoreWriteOptions,
  ): Promise<void>;
  /**
   * Optional: writes entries of any namespaces in one operation. With
   * `options.fence` it is one transaction: every entry or none, fenced as
   * one (a durable run's checkpoint, its events and its first-checkpoint
   * record become visible together, in one commit). Without a fence each
   * entry is written atomically, one after another in the given order. Callers
   * fall back to `setJsonText`/`set` per entry, in order, when a store lacks it.
   */
  setBatch?(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions): Promise<void>;
  /**
   * Optional: `setBatch` as one transaction (every entry or none), applied only while `options.expect` and
   * `options.unleased` hold, atomically with the write; resolves false (nothing written) when one does
   * not. A fenced batch whose fence is refused throws `store.lease_lost`, as every fenced write. Callers
   * fall back when a store lacks it: the runtime closes a run's inbox under the inbox lease, and gives a
   * run lease up with `releaseLease` after the run's final save.
   */
  setBatchIf?(entries: readonly StoreBatchEntry[], options: StoreConditionalOptions): Promise<boolean>;
  /** Returns true when something was deleted. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** Every entry of a namespace, in no particular order. */
  entries<T extends JsonValue = JsonValue>(namespace: string): AsyncIterable<[key: string, value: T]>;
  /** Takes the lease when it is free or expired; `undefined` when someone else holds it. Atomic across processes. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held by the same owner and token; returns the renewed lease or `undefined` if it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up if still held with this token; a no-op otherwise. */
  releaseLease(lease: Lease): Promise<void>;
  /** The current holder of a lease, if any and not expired. */
  readLease(name: string): Promise<Lease | undefined>;
  /** Releases connections. Safe to call twice. */
  close(): Promise<void>;
}

export function isStore(value: unknown): value is Store {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'store';
}
