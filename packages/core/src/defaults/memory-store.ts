/**
 * `MemoryStore` (builtin `memory`): the `Store` contract over keyv's in-memory
 * Map, keeping the most recent finished runs (retention); nothing outlives the process.
 */
import { z } from 'zod';
import type { JsonValue } from '../contracts/json.js';
import type { Clock } from '../contracts/services.js';
import type {
  StoreBatchEntry,
  StoreConditionalOptions,
  StoreSetOptions,
  StoreWriteOptions,
} from '../contracts/store.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';
import { DeferredJsonText } from './deferred-json-text.js';
import { refusedInProcess } from './in-process-conditions.js';
import { InProcessLeases } from './in-process-leases.js';
import { KeyvStore, type KeyvStoreConnection } from './keyv-store.js';
import {
  DEFAULT_RUN_RETENTION,
  RETAINED_NAMESPACES,
  RUN_LEASE_PREFIX,
  RunIndex,
  type RunRetention,
} from './run-retention.js';

/** Options of `new MemoryStore()`. */
export interface MemoryStoreOptions {
  /** Time source for lease expiry and run retention (entry TTLs use keyv's own `Date.now`). */
  clock?: Clock;
  /**
   * How many finished runs to keep, and how long (defaults: 1000 runs, 24
   * hours). Older finished runs are evicted with their events, checkpoints
   * and, once no kept run of their session is left, the session's transcript.
   * Running and suspended runs are never evicted. `false` keeps everything.
   */
  retention?: RunRetention | false;
}

const retentionLimit = (what: string) =>
  z
    .union([z.number().int().positive(), z.literal(Number.POSITIVE_INFINITY)])
    .optional()
    .describe(what);

// A getter: zod builds the field on first use (a config with options), not when `@agentry/core` is imported.
const configSchema = z
  .object({
    get retention() {
      return z
        .union([
          z
            .object({
              maxRuns: retentionLimit(
                `Finished runs kept at most, oldest evicted first (default ${DEFAULT_RUN_RETENTION.maxRuns})`,
              ),
              maxAgeMs: retentionLimit(
                `Milliseconds a finished run is kept after it finished (default ${DEFAULT_RUN_RETENTION.maxAgeMs}, 24 hours)`,
              ),
            })
            .strict(),
          z.literal(false),
        ])
        .optional()
        .describe(
          `Keeps a long-running process bounded: { maxRuns, maxAgeMs } (default { maxRuns: ${DEFAULT_RUN_RETENTION.maxRuns}, maxAgeMs: ${DEFAULT_RUN_RETENTION.maxAgeMs} }, 24 hours). Finished runs past either limit are evicted with their events and checkpoints, oldest first; running and suspended runs never are. false keeps every run.`,
        );
    },
  })
  .strict();

/**
 * Keeps everything in one `Map` inside this process. Leases are exclusive
 * within the process only. Good for tests and one-shot runs; use `sqlite`
 * for anything that must survive a restart.
 */
export class MemoryStore extends KeyvStore {
  /** Plugin definition: `store: memory`, or `{ type: memory, config: { retention: { maxRuns: 100 } } }`. */
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'store',
      name: 'memory',
      description:
        'In-process store (keyv Map); data and leases live as long as the process, finished runs are kept up to a retention limit',
      configSchema,
      create: (config, deps) =>
        new MemoryStore({
          clock: deps.clock,
          ...(config.retention === undefined ? {} : { retention: config.retention }),
        }),
    }),
    noOptions,
  );

  /** Nothing outside this object sees the data (see `Store.processLocal`). */
  readonly processLocal = true;
  /** Index of run-scoped keys; undefined with `retention: false`. */
  private readonly runIndex: RunIndex | undefined;
  /** The open connection's map and leases (set by `connect`): eviction works on them directly. */
  private local: { map: Map<string, unknown>; leases: InProcessLeases } | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.clock;
    super({
      name: 'memory',
      target: 'process memory',
      hint: 'The in-memory store cannot become unavailable; if you see this, report it as a bug.',
      operationTimeoutMs: 0,
      ...(clock ? { now: () => clock.now() } : {}),
    });
    this.runIndex = options.retention === false ? undefined : new RunIndex(options.retention);
  }

  /** Finished runs the store keeps now (`runs` records with status completed, failed or cancelled). */
  get finishedRuns(): number {
    return this.runIndex?.finishedRuns ?? 0;
  }

  override async set(
    namespace: string,
    key: string,
    value: JsonValue,
    options?: StoreSetOptions,
  ): Promise<void> {
    await super.set(namespace, key, value, options);
    await this.noteWritten(namespace, key, value);
  }

  override async setJsonText(
    namespace: string,
    key: string,
    text: string,
    options?: StoreSetOptions,
  ): Promise<void> {
    await super.setJsonText(namespace, key, text, options);
    await this.noteWritten(namespace, key, undefined, text);
  }

  override async setMany(
    namespace: string,
    entries: readonly { key: string; value: JsonValue }[],
    options?: StoreWriteOptions,
  ): Promise<void> {
    await super.setMany(namespace, entries, options);
    for (const entry of entries) await this.noteWritten(namespace, entry.key, entry.value);
  }

  /**
   * `setBatch`; an unfenced entry whose text is made on demand (`DeferredJsonText`, a run's event blocks)
   * is kept as it is and encoded when it is first read back: written before the other entries, in order.
   */
  override async setBatch(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions): Promise<void> {
    let rest = entries;
    if (options?.fence === undefined && entries.some((entry) => entry instanceof DeferredJsonText)) {
      rest = await this.keepDeferred(entries);
    }
    if (rest.length > 0) await super.setBatch(rest, options);
    await this.noteBatch(rest);
  }

  private async noteBatch(entries: readonly StoreBatchEntry[]): Promise<void> {
    for (const entry of entries) {
      if ('text' in entry) await this.noteWritten(entry.namespace, entry.key, undefined, entry.text);
      else await this.noteWritten(entry.namespace, entry.key, entry.value);
    }
  }

  override async setBatchIf(
    entries: readonly StoreBatchEntry[],
    options: StoreConditionalOptions,
  ): Promise<boolean> {
    const written = await super.setBatchIf(entries, options);
    if (written) await this.noteBatch(entries);
    return written;
  }

  /** Stores a batch's deferred entries (keys checked first, then all in one synchronous stretch); returns the others. */
  private async keepDeferred(entries: readonly StoreBatchEntry[]): Promise<StoreBatchEntry[]> {
    const kept: { entry: DeferredJsonText; key: string }[] = [];
    const rest: StoreBatchEntry[] = [];
    for (const entry of entries) {
      if (entry instanceof DeferredJsonText)
        kept.push({
          entry,
          key: `${this.keyvNamespace(entry.namespace)}:${this.encodeKey(entry.namespace, entry.key)}`,
        });
      else rest.push(entry);
    }
    await this.run('write', async (opened) => {
      const map = opened.adapter as Map<string, unknown>;
      for (const { entry, key } of kept) map.set(key, new DeferredEnvelope(entry));
    });
    for (const { entry } of kept) await this.noteWritten(entry.namespace, entry.key, undefined);
    return rest;
  }

  override async delete(namespace: string, key: string): Promise<boolean> {
    const deleted = await super.delete(namespace, key);
    this.runIndex?.deleted(namespace, key);
    return deleted;
  }

  /** Indexes a written key; a finished run's record evicts the runs that are due. */
  private async noteWritten(
    namespace: string,
    key: string,
    value: JsonValue | undefined,
    text?: string,
  ): Promise<void> {
    const index = this.runIndex;
    if (index === undefined) return;
    const record =
      value ??
      (text !== undefined && namespace === RETAINED_NAMESPACES.runs
        ? (JSON.parse(text) as JsonValue)
        : undefined);
    index.written(namespace, key, record, this.options.now());
    if (namespace === RETAINED_NAMESPACES.runs) this.evictDue(index);
  }

  /**
   * Evicts the finished runs that are due, in one synchronous pass over the map and the leases (one finished
   * run in, one out, in a process at its retention limit: the generic delete path would cost every run
   * several store calls).
   */
  private evictDue(index: RunIndex): void {
    const local = this.local;
    if (local === undefined) return;
    const now = this.options.now();
    for (const runId of index.due(now)) {
      // A durable run between automatic resume attempts still holds its run lease: it is not finished.
      if (local.leases.held(`${RUN_LEASE_PREFIX}${runId}`, now)) continue;
      for (const [namespace, key] of index.evict(runId))
        local.map.delete(`${this.keyvNamespace(namespace)}:${this.encodeKey(namespace, key)}`);
    }
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    const map = new Map<string, unknown>();
    const leases = new InProcessLeases();
    this.local = { map, leases };
    return {
      adapter: map,
      leases,
      // Check and write in one synchronous stretch: nothing can take the lease in between.
      fencedWrite: async (fence, entries, options) => {
        if (!leases.holds(fence.lease, fence.token, options.now)) return false;
        for (const { key, entry } of entries) map.set(key, entry);
        return true;
      },
      // Check, write and release in one synchronous stretch, as `fencedWrite`.
      writeIf: async (entries, condition, options) => {
        const refused = refusedInProcess(leases, condition, options.now, (key) => map.get(key));
        if (refused !== undefined) return refused;
        for (const { key, entry } of entries) map.set(key, entry);
        const { fence, releaseFence } = condition;
        if (fence !== undefined && releaseFence === true) leases.releaseToken(fence.lease, fence.token);
        return 'written';
      },
      // A batch in one synchronous stretch (a run's final record and events): one call, not one keyv set each.
      writeMany: async (entries) => {
        for (const { key, entry } of entries) map.set(key, entry);
      },
      async *listRaw(prefix: string) {
        for (const [key, raw] of map) if (key.startsWith(prefix)) yield [key, raw] as const;
      },
      close: async () => map.clear(),
    };
  }
}

/**
 * A kept `DeferredJsonText` as the map holds it, in keyv's envelope shape (`{ value }`): keyv hands
 * non-string entries back as they are, so every read of `value` parses the text afresh (a reader's copy).
 */
class DeferredEnvelope {
  constructor(private readonly entry: DeferredJsonText) {}

  get value(): JsonValue {
    return JSON.parse(this.entry.text) as JsonValue;
  }
}
