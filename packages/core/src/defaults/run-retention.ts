/**
 * Retention of finished runs in the memory store: which stored keys belong to
 * which run, and which finished runs are due for eviction (oldest first, past
 * `maxRuns` or older than `maxAgeMs`). Suspended and running runs are never due.
 */
import type { JsonValue } from '../contracts/json.js';

/** How many finished runs the memory store keeps, and for how long. */
export interface RunRetention {
  /**
   * Finished runs (completed, failed, cancelled) kept at most; the oldest
   * finished run is evicted first. Default 1000. `Infinity` keeps every run.
   */
  maxRuns?: number | undefined;
  /**
   * A finished run is evicted this long after it finished. Default 86 400 000
   * (24 hours). `Infinity` keeps runs regardless of age.
   */
  maxAgeMs?: number | undefined;
}

/** The defaults: at about 12 KB per ten-step run, a memory store keeps well under 20 MB of runs. */
export const DEFAULT_RUN_RETENTION = { maxRuns: 1000, maxAgeMs: 24 * 60 * 60 * 1000 } as const;

/**
 * The runtime's run-scoped namespaces (kept equal to the runtime's constants by
 * a test): `runs` and `checkpoints` are keyed by run id, `events` by
 * `<runId>:b<block>`, `checkpoint-data` by `msg:<runId>:<generation>:<index>`,
 * `mem:<runId>:<digest>` or `first:<runId>`, `transcripts` by session id, `run-index` by run id, `run-inbox` by
 * run id (its head) and `<runId>#<seq>` (its entries).
 */
export const RETAINED_NAMESPACES = {
  runs: 'runs',
  events: 'events',
  checkpoints: 'checkpoints',
  checkpointData: 'checkpoint-data',
  transcripts: 'transcripts',
  runIndex: 'run-index',
  inbox: 'run-inbox',
} as const;

/** Lease name prefix of a durable run's owner (`run:<runId>`): a run whose lease is held is still active. */
export const RUN_LEASE_PREFIX = 'run:';

const FINISHED: ReadonlySet<unknown> = new Set(['completed', 'failed', 'cancelled']);

/** The run id a stored key belongs to, or `undefined` for keys that belong to no run. */
export function runIdOfKey(namespace: string, key: string): string | undefined {
  switch (namespace) {
    case RETAINED_NAMESPACES.runs:
    case RETAINED_NAMESPACES.checkpoints:
    case RETAINED_NAMESPACES.runIndex:
      return key;
    case RETAINED_NAMESPACES.inbox:
      return key.replace(/#\d+$/, '');
    case RETAINED_NAMESPACES.events: {
      const block = key.lastIndexOf(':b');
      return block > 0 ? key.slice(0, block) : undefined;
    }
    case RETAINED_NAMESPACES.checkpointData: {
      if (key.startsWith('first:')) return key.slice(6) || undefined;
      if (!key.startsWith('msg:') && !key.startsWith('mem:')) return undefined;
      // `msg:` keys end in two segments (generation, index), `mem:` keys in one (digest).
      let end = key.length;
      for (let segments = key.startsWith('msg:') ? 2 : 1; segments > 0; segments--) {
        end = key.lastIndexOf(':', end - 1);
        if (end <= 4) return undefined;
      }
      return key.slice(4, end);
    }
    default:
      return undefined;
  }
}

/** What the index knows of one run. */
interface RunEntry {
  /** Stored keys of the run, by namespace. */
  readonly keys: Map<string, Set<string>>;
  /** Its session when that is not the run itself (the session's transcript goes with its last run). */
  sessionId?: string;
  parentRunId?: string;
  /** When it finished (store clock); undefined while it is running or suspended. */
  finishedAt?: number | undefined;
}

/** A key to delete: namespace and key. */
export type StoredKey = readonly [namespace: string, key: string];

/**
 * Index of the run-scoped keys a store holds, fed with every write and delete.
 * `due` picks the finished runs to evict; `evict` forgets a run and returns
 * every key to delete (plus its session's transcript when no retained run of
 * that session is left).
 */
export class RunIndex {
  readonly #runs = new Map<string, RunEntry>();
  /** Finished runs in the order they finished (oldest first). */
  readonly #finished = new Map<string, RunEntry>();
  /** Retained runs per session (runs whose session is not the run itself). */
  readonly #sessions = new Map<string, number>();
  readonly #maxRuns: number;
  readonly #maxAgeMs: number;

  constructor(retention: RunRetention = {}) {
    this.#maxRuns = retention.maxRuns ?? DEFAULT_RUN_RETENTION.maxRuns;
    this.#maxAgeMs = retention.maxAgeMs ?? DEFAULT_RUN_RETENTION.maxAgeMs;
  }

  /** Finished runs retained now. */
  get finishedRuns(): number {
    return this.#finished.size;
  }

  /** Notes a written key; a run record also updates the run's status, session and parent. */
  written(namespace: string, key: string, value: JsonValue | undefined, now: number): void {
    const runId = runIdOfKey(namespace, key);
    if (runId === undefined) return;
    const entry = this.#entry(runId);
    let keys = entry.keys.get(namespace);
    if (keys === undefined) {
      keys = new Set();
      entry.keys.set(namespace, keys);
    }
    keys.add(key);
    if (namespace !== RETAINED_NAMESPACES.runs || typeof value !== 'object' || value === null) return;
    const record = value as { status?: unknown; sessionId?: unknown; parentRunId?: unknown };
    if (typeof record.sessionId === 'string' && record.sessionId !== runId && entry.sessionId === undefined) {
      entry.sessionId = record.sessionId;
      this.#sessions.set(record.sessionId, (this.#sessions.get(record.sessionId) ?? 0) + 1);
    }
    if (typeof record.parentRunId === 'string') entry.parentRunId = record.parentRunId;
    // Re-inserted on every finish, so the map stays in finishing order (a resumed run finishes again later).
    this.#finished.delete(runId);
    if (FINISHED.has(record.status)) {
      entry.finishedAt = now;
      this.#finished.set(runId, entry);
    } else entry.finishedAt = undefined;
  }

  /** Notes a deleted key; deleting a run's record takes the run out of retention. */
  deleted(namespace: string, key: string): void {
    const runId = runIdOfKey(namespace, key);
    if (runId === undefined) return;
    const entry = this.#runs.get(runId);
    entry?.keys.get(namespace)?.delete(key);
    if (entry === undefined || namespace !== RETAINED_NAMESPACES.runs) return;
    this.#finished.delete(runId);
    entry.finishedAt = undefined;
    if ([...entry.keys.values()].every((keys) => keys.size === 0)) this.evict(runId);
  }

  /**
   * Finished runs due for eviction now, oldest first: beyond `maxRuns`, or
   * finished more than `maxAgeMs` ago. A child run is not due while its parent
   * is retained and unfinished (a resumed parent looks its children up).
   */
  due(now: number): string[] {
    const due: string[] = [];
    let excess = this.#finished.size - this.#maxRuns;
    for (const [runId, entry] of this.#finished) {
      const old = now - (entry.finishedAt ?? now) > this.#maxAgeMs;
      if (excess <= 0 && !old) break;
      excess -= 1;
      const parent = entry.parentRunId === undefined ? undefined : this.#runs.get(entry.parentRunId);
      if (parent !== undefined && parent.finishedAt === undefined) continue;
      due.push(runId);
    }
    return due;
  }

  /** Forgets a run; returns the keys to delete (its own, and its session's transcript when it was the last). */
  evict(runId: string): StoredKey[] {
    const entry = this.#runs.get(runId);
    if (entry === undefined) return [];
    this.#runs.delete(runId);
    this.#finished.delete(runId);
    const keys: StoredKey[] = [];
    for (const [namespace, names] of entry.keys) for (const key of names) keys.push([namespace, key]);
    if (entry.sessionId !== undefined) {
      const left = (this.#sessions.get(entry.sessionId) ?? 1) - 1;
      if (left > 0) this.#sessions.set(entry.sessionId, left);
      else {
        this.#sessions.delete(entry.sessionId);
        keys.push([RETAINED_NAMESPACES.transcripts, entry.sessionId]);
      }
    }
    return keys;
  }

  #entry(runId: string): RunEntry {
    let entry = this.#runs.get(runId);
    if (entry === undefined) {
      entry = { keys: new Map() };
      this.#runs.set(runId, entry);
    }
    return entry;
  }
}
