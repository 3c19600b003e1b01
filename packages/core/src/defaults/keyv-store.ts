/** `KeyvStore`: the `Store` contract over any keyv 5 adapter — namespaces, JSON checks, typed errors, timeouts, leases. */
import type { Keyv } from 'keyv';
import type { JsonValue } from '../contracts/json.js';
import type {
  Lease,
  Store,
  StoreBatchEntry,
  StoreConditionalOptions,
  StoreFence,
  StoreSetOptions,
  StoreWriteOptions,
} from '../contracts/store.js';
import { isAgentryError, StoreError } from '../errors/agentry-error.js';
import { setBatchIfInSteps } from './keyv-conditional.js';
import {
  type Envelope,
  JsonText,
  type KeyvStoreConnection,
  type KeyvStoreOptions,
  loadedKeyv,
  loadKeyv,
  type RawCondition,
  type RawEntry,
  serialize,
} from './keyv-connection.js';
import {
  checkedTtl,
  checkFenceShape,
  checkLease,
  checkLeaseName,
  checkOwner,
  leaseLost,
} from './store-arguments.js';
import { assertStoreJson } from './store-json.js';
import { decodeStoreSegment, encodeStoreSegment } from './store-keys.js';

export type {
  FencedWriteOptions,
  KeyvStoreConnection,
  KeyvStoreOptions,
  RawCondition,
  RawEntry,
} from './keyv-connection.js';

/**
 * Base class of every keyv-backed store. Subclasses implement `connect()`;
 * this class keeps one `Keyv` per namespace (each with its own keyv
 * namespace, `throwOnErrors: true`, plain JSON serialisation), validates
 * values before writing, bounds every operation with a timeout and turns
 * backend failures into retryable `store.unavailable` errors.
 */
export abstract class KeyvStore implements Store {
  readonly kind = 'store' as const;
  readonly specVersion = 1 as const;
  readonly name: string;
  protected readonly options: Required<KeyvStoreOptions>;
  private connection: Promise<KeyvStoreConnection> | undefined;
  private readonly namespaces = new Map<string, Keyv>();
  /** Encoded keyv namespace per store namespace (a handful per store, asked for on every operation). */
  private readonly encodedNamespaces = new Map<string, string>();
  private closed = false;
  /** The lease name of the last fenced write, already checked (`checkLeaseName`). */
  private checkedLease: string | undefined;

  protected constructor(options: KeyvStoreOptions) {
    this.name = options.name;
    this.options = {
      keyPrefix: '',
      operationTimeoutMs: 10_000,
      now: Date.now,
      maxKeyLength: Number.POSITIVE_INFINITY,
      ...options,
    };
  }

  /** Opens the backend. Called lazily on first use, and again after a failed attempt. */
  protected abstract connect(): Promise<KeyvStoreConnection>;

  async get<T extends JsonValue = JsonValue>(namespace: string, key: string): Promise<T | undefined> {
    const encoded = this.encodeKey(namespace, key);
    return this.run(
      'read',
      async (opened) => (await (await this.keyvOf(namespace, opened)).get(encoded)) as T | undefined,
    );
  }

  async getMany<T extends JsonValue = JsonValue>(
    namespace: string,
    keys: readonly string[],
  ): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const encoded = keys.map((key) => this.encodeKey(namespace, key));
    return this.run('read', async (opened) => {
      const keyv = await this.keyvOf(namespace, opened);
      // For a backend without getMany (a Map) keyv reads key by key and settles every read, so a read that
      // fails would come back as a missing value: read key by key here, and let a failure fail the call.
      if (typeof (opened.adapter as { getMany?: unknown }).getMany !== 'function') {
        return (await Promise.all(encoded.map((key) => keyv.get(key)))) as (T | undefined)[];
      }
      return (await keyv.getMany(encoded)) as (T | undefined)[];
    });
  }

  async set(namespace: string, key: string, value: JsonValue, options?: StoreSetOptions): Promise<void> {
    const encoded = this.encodeKey(namespace, key);
    const ttlMs = options?.ttlMs === undefined ? undefined : checkedTtl(this.name, options.ttlMs, 'ttlMs');
    assertStoreJson(this.name, value);
    await this.write(namespace, encoded, value, ttlMs, options);
  }

  /** See `Store.setJsonText`: the text goes into the stored entry as is (no check, no re-serialisation). */
  async setJsonText(namespace: string, key: string, text: string, options?: StoreSetOptions): Promise<void> {
    const encoded = this.encodeKey(namespace, key);
    const ttlMs = options?.ttlMs === undefined ? undefined : checkedTtl(this.name, options.ttlMs, 'ttlMs');
    await this.write(namespace, encoded, this.jsonText(text, 'setJsonText'), ttlMs, options);
  }

  /**
   * See `Store.setBatch`: with a fence, one `fencedWrite` of every entry (one transaction of the
   * backend); without one, one `writeMany` where the backend has it, else the entries one after another.
   * Everything is checked before anything is written.
   */
  async setBatch(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions): Promise<void> {
    const { checked, raw } = this.encodeBatch(entries, 'setBatch');
    if (checked.length === 0) return;
    if (options?.fence !== undefined) {
      await this.fencedWrite(options.fence, raw, options);
      return;
    }
    const deferFlush = options?.deferFlush === true;
    const written = await this.run('write', async (opened) => {
      if (opened.writeMany === undefined) return false;
      // In one operation a key written twice keeps its last value, as written one after another.
      const last = new Map<string, RawEntry>();
      for (const entry of raw) last.set(entry.key, entry);
      await opened.writeMany(last.size === raw.length ? raw : [...last.values()], { deferFlush });
      return true;
    });
    if (written) return;
    for (const entry of checked)
      await this.write(entry.namespace, entry.encoded, entry.value, undefined, options);
  }

  /** Checks and encodes the entries of a batch: one pass, objects of one shape (a durable run's every step). */
  private encodeBatch(entries: readonly StoreBatchEntry[], method: string) {
    const checked: { namespace: string; encoded: string; value: JsonValue | JsonText }[] = [];
    const raw: RawEntry[] = [];
    for (let index = 0; index < entries.length; index += 1) {
      const entry = entries[index]!;
      const encoded = this.encodeKey(entry.namespace, entry.key);
      let value: JsonValue | JsonText;
      if ('text' in entry) value = this.jsonText(entry.text, method);
      else {
        assertStoreJson(this.name, entry.value, `entries[${index}].value`);
        value = entry.value;
      }
      checked.push({ namespace: entry.namespace, encoded, value });
      raw.push({ key: `${this.keyvNamespace(entry.namespace)}:${encoded}`, entry: serialize({ value }) });
    }
    return { checked, raw };
  }

  /**
   * See `Store.setBatchIf`: one `writeIf` of the backend (one transaction); a backend without it takes the
   * `unleased` lease around the write, or gives the fence's lease up after it (`setBatchIfInSteps`).
   */
  async setBatchIf(entries: readonly StoreBatchEntry[], options: StoreConditionalOptions): Promise<boolean> {
    const { raw } = this.encodeBatch(entries, 'setBatchIf');
    const condition = this.rawCondition(raw, options);
    const outcome = await this.run('write', async (opened) =>
      opened.writeIf?.(raw, condition, { now: this.options.now(), deferFlush: options.deferFlush === true }),
    );
    if (outcome === undefined) return setBatchIfInSteps(this, entries, options);
    if (outcome === 'fenced') throw leaseLost(this.name, options.fence!);
    return outcome === 'written';
  }

  /** The conditions of a `setBatchIf` on stored keys, checked (`store.unsupported` for one it cannot apply). */
  private rawCondition(raw: readonly RawEntry[], options: StoreConditionalOptions): RawCondition {
    const { fence, expect, unleased, releaseFence } = options;
    if (fence !== undefined) this.checkFence(fence);
    if (unleased !== undefined) checkLeaseName(unleased);
    const condition: { -readonly [K in keyof RawCondition]: RawCondition[K] } = {};
    if (fence !== undefined) condition.fence = fence;
    if (unleased !== undefined) condition.unleased = unleased;
    if (releaseFence === true && fence !== undefined) condition.releaseFence = true;
    if (expect !== undefined) {
      const key = `${this.keyvNamespace(expect.namespace)}:${this.encodeKey(expect.namespace, expect.key)}`;
      if (!raw.some((entry) => entry.key === key)) {
        throw new StoreError('store.unsupported', {
          message: `${this.name} store: setBatchIf expects ${JSON.stringify(`${expect.namespace}/${expect.key}`)}, which the batch does not write; nothing was written`,
          hint: 'Name in `expect` one of the entries the batch writes (a compare-and-set).',
          context: { plugin: this.name },
        });
      }
      if (expect.value !== undefined) assertStoreJson(this.name, expect.value, 'expect.value');
      const entry = expect.value === undefined ? undefined : serialize({ value: expect.value });
      condition.expect = { key, entry };
    }
    return condition;
  }

  /** A `JsonText` value for JSON text a caller gives; `store.not_json` for anything but a non-empty string. */
  private jsonText(text: string, method: string): JsonText {
    if (typeof text !== 'string' || text === '') {
      throw new StoreError('store.not_json', {
        message: `${this.name} store: ${method} needs the JSON text of a value, got ${text === '' ? 'an empty string' : typeof text}; nothing was written`,
        hint: 'Pass JSON.stringify(value), or use set() with the value itself.',
        context: { plugin: this.name },
      });
    }
    return new JsonText(text);
  }

  /**
   * One entry write: through keyv, through `setDeferred` for a `deferFlush`
   * write when the backend has it, through `fencedWrite` when fenced.
   */
  private async write(
    namespace: string,
    encodedKey: string,
    value: JsonValue | JsonText,
    ttlMs: number | undefined,
    options: StoreWriteOptions | undefined,
  ): Promise<void> {
    if (options?.fence !== undefined) {
      const expiresAt = ttlMs === undefined ? undefined : Date.now() + ttlMs;
      const key = `${this.keyvNamespace(namespace)}:${encodedKey}`;
      const entry = serialize({ value, ...(expiresAt === undefined ? {} : { expires: expiresAt }) });
      await this.fencedWrite(
        options.fence,
        [{ key, entry, ...(expiresAt === undefined ? {} : { expiresAt }) }],
        options,
      );
      return;
    }
    await this.run('write', async (opened) => {
      if (options?.deferFlush && opened.setDeferred) {
        // The entry as keyv would store it: its key prefix and `{ value, expires }` envelope.
        await opened.setDeferred(
          `${this.keyvNamespace(namespace)}:${encodedKey}`,
          serialize({ value, ...(ttlMs === undefined ? {} : { expires: Date.now() + ttlMs }) }),
        );
      } else {
        await (await this.keyvOf(namespace, opened)).set(encodedKey, value, ttlMs);
      }
    });
  }

  async setMany(
    namespace: string,
    entries: readonly { key: string; value: JsonValue }[],
    options?: StoreWriteOptions,
  ): Promise<void> {
    if (entries.length === 0) return;
    const encoded = entries.map((entry, index) => {
      assertStoreJson(this.name, entry.value, `entries[${index}].value`);
      return { key: this.encodeKey(namespace, entry.key), value: entry.value };
    });
    if (options?.fence !== undefined) {
      const prefix = `${this.keyvNamespace(namespace)}:`;
      const raw = encoded.map((entry) => ({
        key: prefix + entry.key,
        entry: serialize({ value: entry.value }),
      }));
      await this.fencedWrite(options.fence, raw, options);
      return;
    }
    await this.run('write', async (opened) => {
      await (await this.keyvOf(namespace, opened)).setMany(encoded);
    });
  }

  /** Applies a fenced write through the backend's `fencedWrite`; `store.lease_lost` when the fence refuses it. */
  private async fencedWrite(
    fence: StoreFence,
    entries: readonly RawEntry[],
    options: StoreWriteOptions,
  ): Promise<void> {
    this.checkFence(fence);
    const applied = await this.run('write', async (opened) => {
      if (opened.fencedWrite === undefined) {
        throw new StoreError('store.unsupported', {
          message: `${this.name} store cannot fence writes with a lease token`,
          hint: 'Implement KeyvStoreConnection.fencedWrite for this backend.',
          context: { plugin: this.name },
        });
      }
      return opened.fencedWrite(fence, entries, {
        now: this.options.now(),
        deferFlush: options.deferFlush === true,
      });
    });
    if (!applied) throw leaseLost(this.name, fence);
  }

  /** `store.unsupported` for a fence that is not a lease name and an integer token. */
  private checkFence(fence: StoreFence): void {
    checkFenceShape(this.name, fence);
    // A run fences every write with the same lease: its name is checked once.
    if (fence.lease !== this.checkedLease) {
      checkLeaseName(fence.lease);
      this.checkedLease = fence.lease;
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const encoded = this.encodeKey(namespace, key);
    return this.run('delete', async (opened) => (await this.keyvOf(namespace, opened)).delete(encoded));
  }

  async *entries<T extends JsonValue = JsonValue>(namespace: string): AsyncIterable<[key: string, value: T]> {
    const prefix = `${this.keyvNamespace(namespace)}:`;
    const connection = await this.run('list', async (opened) => opened);
    try {
      for await (const [rawKey, raw] of connection.listRaw(prefix)) {
        if (!rawKey.startsWith(prefix) || raw === undefined || raw === null) continue;
        const envelope = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Envelope;
        if (typeof envelope.expires === 'number' && envelope.expires < Date.now()) continue;
        if (envelope.value === undefined) continue;
        yield [decodeStoreSegment(rawKey.slice(prefix.length)), envelope.value as T];
      }
    } catch (error) {
      throw this.toStoreError('list', error);
    }
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseName(name);
    checkOwner(this.name, owner);
    const ttl = checkedTtl(this.name, ttlMs, 'lease ttlMs');
    return this.run('acquire a lease', (opened) =>
      opened.leases.acquire(name, owner, ttl, this.options.now()),
    );
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    checkLease(this.name, lease);
    const ttl = checkedTtl(this.name, ttlMs, 'lease ttlMs');
    return this.run('renew a lease', (opened) => opened.leases.renew(lease, ttl, this.options.now()));
  }

  async releaseLease(lease: Lease): Promise<void> {
    checkLease(this.name, lease);
    await this.run('release a lease', (opened) => opened.leases.release(lease));
  }

  async readLease(name: string): Promise<Lease | undefined> {
    checkLeaseName(name);
    return this.run('read a lease', (opened) => opened.leases.read(name, this.options.now()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.connection;
    this.connection = undefined;
    this.namespaces.clear();
    if (pending === undefined) return;
    const opened = await pending.catch(() => undefined);
    if (opened === undefined) return;
    try {
      await opened.close();
    } catch (error) {
      throw this.toStoreError('close', error);
    }
  }

  /** The keyv namespace of a store namespace: key prefix + encoded name. */
  protected keyvNamespace(namespace: string): string {
    let encoded = this.encodedNamespaces.get(namespace);
    if (encoded === undefined) {
      encoded = `${this.options.keyPrefix}${encodeStoreSegment(namespace, 'namespace')}`;
      if (this.encodedNamespaces.size < 1024) this.encodedNamespaces.set(namespace, encoded);
    }
    return encoded;
  }

  /** Encodes a key and checks that `<namespace>:<key>` fits the backend. */
  protected encodeKey(namespace: string, key: string): string {
    const encoded = encodeStoreSegment(key, 'key');
    const length = this.keyvNamespace(namespace).length + 1 + encoded.length;
    if (length > this.options.maxKeyLength) {
      throw new StoreError('store.unsupported', {
        message: `${this.name} store: namespace ${JSON.stringify(namespace)} + key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)} is ${length} characters once encoded; the limit is ${this.options.maxKeyLength}`,
        hint: 'Use shorter keys (ids, not content) — store long data in the value.',
        context: { plugin: this.name },
      });
    }
    return encoded;
  }

  /** Runs one operation with the lazily opened connection, a timeout and error mapping. */
  protected async run<T>(
    operation: string,
    body: (connection: KeyvStoreConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closed) {
      throw new StoreError('store.unavailable', {
        message: `${this.name} store is closed; cannot ${operation}`,
        hint: 'The store was closed (runtime.close()); create a new runtime or store to keep using it.',
        retryable: false,
        context: { plugin: this.name },
      });
    }
    const work = this.open().then(body);
    const limit = this.options.operationTimeoutMs;
    if (limit <= 0)
      return work.catch((error: unknown) => Promise.reject(this.toStoreError(operation, error)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      throw this.toStoreError(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Wraps a backend failure as a retryable `store.unavailable` naming the store and its target; a stored
   * value that is not JSON is `store.corrupt` (not retryable).
   */
  protected toStoreError(operation: string, error: unknown): Error {
    if (isAgentryError(error)) return error;
    const detail = error instanceof Error ? error.message || error.name : String(error);
    if (error instanceof SyntaxError) {
      // A stored value that does not parse (truncated, overwritten, NUL bytes): retrying cannot help.
      return new StoreError('store.corrupt', {
        message: `${this.name} store could not ${operation} (${this.options.target}): a stored value is not JSON (${detail})`,
        hint: 'The entry was truncated or overwritten outside Agentry: restore it from a backup or delete it.',
        cause: error,
        context: { plugin: this.name },
      });
    }
    return new StoreError('store.unavailable', {
      message: `${this.name} store could not ${operation} (${this.options.target}): ${detail}`,
      hint: this.options.hint,
      cause: error,
      retryable: true,
      context: { plugin: this.name },
    });
  }

  private open(): Promise<KeyvStoreConnection> {
    this.connection ??= this.connect().then(
      (connection) => {
        // Each namespace's Keyv adds an error listener to the shared adapter; 0 would mean "none" to some emitters.
        const adapter = connection.adapter as { setMaxListeners?: (count: number) => void };
        if (!(connection.adapter instanceof Map)) adapter.setMaxListeners?.(Number.MAX_SAFE_INTEGER);
        return connection;
      },
      (error: unknown) => {
        this.connection = undefined;
        throw error;
      },
    );
    return this.connection;
  }

  /**
   * `keyvFor`, importing keyv first when no store has yet: a process that only writes batches and runs
   * (a non-durable run on the memory store) never needs it, and its first run does not pay for the import.
   */
  private keyvOf(namespace: string, connection: KeyvStoreConnection): Keyv | Promise<Keyv> {
    const keyv = this.namespaces.get(namespace);
    if (keyv !== undefined) return keyv;
    if (loadedKeyv() !== undefined) return this.keyvFor(namespace, connection);
    return loadKeyv().then(() => this.keyvFor(namespace, connection));
  }

  /** The `Keyv` of one namespace over the shared adapter (keyv must be loaded: see `keyvOf`). */
  protected keyvFor(namespace: string, connection: KeyvStoreConnection): Keyv {
    let keyv = this.namespaces.get(namespace);
    if (keyv === undefined) {
      const keyvClass = loadedKeyv();
      if (keyvClass === undefined) throw new Error('keyv is not loaded yet: get the Keyv through keyvOf');
      keyv = new keyvClass({
        store: connection.adapter,
        namespace: this.keyvNamespace(namespace),
        serialize: (data) => serialize(data as { value?: unknown; expires?: number | null }),
        deserialize: (data) => JSON.parse(data),
        throwOnErrors: true,
        emitErrors: false,
      });
      // keyv prefixes keys itself; a shared adapter must not add its own namespace on top.
      (connection.adapter as { namespace?: string | undefined }).namespace = undefined;
      this.namespaces.set(namespace, keyv);
    }
    return keyv;
  }
}
