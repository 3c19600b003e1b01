/** What a keyv-backed store connects to (`KeyvStoreConnection`), its options, and how entries are serialised. */
import type { Keyv, KeyvStoreAdapter } from 'keyv';
import type { JsonValue } from '../contracts/json.js';
import type { StoreFence } from '../contracts/store.js';
import type { LeaseBackend } from './in-process-leases.js';

/** What a concrete store opens once, lazily, and shares between all namespaces. */
export interface KeyvStoreConnection {
  /** The keyv adapter (or `Map`) holding every namespace. Its `namespace` field is reset after each `Keyv` is built. */
  readonly adapter: KeyvStoreAdapter | Map<string, unknown>;
  /** Stored entries whose full key starts with `prefix`, values as keyv serialised them. */
  listRaw(prefix: string): AsyncIterable<readonly [key: string, raw: unknown]>;
  /** Lease operations; atomic across processes for shared backends. */
  readonly leases: LeaseBackend;
  /**
   * Optional: writes a stored entry (full key, serialised entry) without
   * waiting for the backend to flush it (`StoreSetOptions.deferFlush`).
   */
  setDeferred?(key: string, entry: string): Promise<void>;
  /**
   * Writes `entries` only if, atomically with the write, lease `fence.lease`
   * is held with `fence.token` and expires after `now`; all of them or none.
   * Resolves false when the fence refused the write (`StoreFence`). Without
   * it, fenced writes fail with `store.unsupported`.
   */
  fencedWrite?(
    fence: StoreFence,
    entries: readonly RawEntry[],
    options: FencedWriteOptions,
  ): Promise<boolean>;
  /**
   * Optional: writes `entries` in one transaction only if, atomically with it, every condition holds (see
   * `StoreConditionalOptions`): `'fenced'` when the fence refused it, `'unmet'` when `expect` or `unleased`
   * did not hold (nothing written either way). Without it, `KeyvStore.setBatchIf` falls back to taking the
   * `unleased` lease around the write, and to `releaseLease` after it.
   */
  writeIf?(
    entries: readonly RawEntry[],
    condition: RawCondition,
    options: FencedWriteOptions,
  ): Promise<'written' | 'unmet' | 'fenced'>;
  /**
   * Optional: writes several stored entries (full keys, serialised entries) in one operation — one
   * transaction or atomic command where the backend has them — without a fence (`Store.setBatch`).
   */
  writeMany?(entries: readonly RawEntry[], options: { readonly deferFlush: boolean }): Promise<void>;
  /** Releases the connection. Called at most once. */
  close(): Promise<void>;
}

/** One entry of a `fencedWrite`: the full stored key and keyv's serialised entry. */
export interface RawEntry {
  readonly key: string;
  readonly entry: string;
  /** Epoch milliseconds at which the entry expires (also inside `entry`), for backends that expire keys themselves. */
  readonly expiresAt?: number;
}

/** The conditions of a `writeIf`, on stored keys and entries (see `StoreConditionalOptions`). */
export interface RawCondition {
  readonly fence?: StoreFence;
  /** Full key of one of the written entries, and the stored entry it must hold now (`undefined`: absent). */
  readonly expect?: { readonly key: string; readonly entry: string | undefined };
  /** A lease nobody may hold (unexpired) when the write is applied. */
  readonly unleased?: string;
  /** Give the fence's lease up in the same transaction. */
  readonly releaseFence?: boolean;
}

/** How a `fencedWrite` is applied. */
export interface FencedWriteOptions {
  /** The caller's epoch milliseconds, compared with the lease's expiry like every lease operation. */
  readonly now: number;
  /** See `StoreWriteOptions.deferFlush`. */
  readonly deferFlush: boolean;
}

/** Settings a concrete store passes to `KeyvStore`. */
export interface KeyvStoreOptions {
  /** Plugin name, used in messages (`sqlite`, `redis` …). */
  name: string;
  /** What the store points at, for messages: `SQLite file /srv/.agentry/agentry.db`. Never include secrets. */
  target: string;
  /** What to check when the backend cannot be reached. */
  hint: string;
  /** Prepended to every keyv namespace (e.g. a Redis key prefix). */
  keyPrefix?: string;
  /** Each operation fails with a retryable `store.unavailable` after this long; 0 disables. Default 10 000. */
  operationTimeoutMs?: number;
  /** Epoch milliseconds used for lease expiry. Default `Date.now`. */
  now?: () => number;
  /** Longest stored key (`<namespace>:<key>` after encoding) the backend accepts. Default unlimited. */
  maxKeyLength?: number;
}

let keyvClass: typeof Keyv | undefined;

/** The keyv class once `loadKeyv` has resolved, else `undefined`. */
export function loadedKeyv(): typeof Keyv | undefined {
  return keyvClass;
}
let keyvLoading: Promise<typeof Keyv> | undefined;

/**
 * keyv is imported when a store first reads or writes through it (not when `@agentry/core` is imported, nor
 * for batches, fenced writes and leases, which go to the backend directly).
 */
export function loadKeyv(): Promise<typeof Keyv> {
  keyvLoading ??= import('keyv').then(
    (module) => {
      keyvClass = module.Keyv;
      return module.Keyv;
    },
    (error: unknown) => {
      keyvLoading = undefined;
      throw error;
    },
  );
  return keyvLoading;
}

export interface Envelope {
  value?: JsonValue;
  expires?: number;
}

/** A value given as JSON text (`setJsonText`): `serialize` splices it into the entry instead of escaping it. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** keyv's entry `{ value, expires }` as stored text; a `JsonText` value is written as is. */
export function serialize(entry: { value?: unknown; expires?: number | null }): string {
  if (!(entry.value instanceof JsonText)) return JSON.stringify(entry);
  const expires = typeof entry.expires === 'number' ? `,"expires":${entry.expires}` : '';
  return `{"value":${entry.value.text}${expires}}`;
}
