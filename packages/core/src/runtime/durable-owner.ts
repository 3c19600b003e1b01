/**
 * Run ownership: a store lease `run:<runId>` held (and renewed by a
 * heartbeat) while a process executes a durable run, so a run is never
 * executed by two processes at once and a crashed owner's run is found again.
 */
import type { Lease, Store } from '../contracts/store.js';
import { RunError } from '../errors/agentry-error.js';
import { CHECKPOINT_NAMESPACE } from './checkpointer.js';

/** Options of `RunOwner`. */
export interface RunOwnerOptions {
  store: Store;
  /** Who this process is (e.g. `worker-<host>-<pid>`); shown in `run.not_resumable` errors. */
  owner: string;
  /** Lease time-to-live; the heartbeat renews it every `ttlMs / 3`. Default 30 000 ms. */
  ttlMs?: number;
  /** Called when the heartbeat finds the lease lost (taken over, or expired while the store was down). */
  onLost?: (runId: string) => void;
}

/** Store lease name of a run. */
export function runLeaseName(runId: string): string {
  return `run:${runId}`;
}

/** A held run lease, renewed in the background until `release`. */
export class RunOwnership {
  readonly runId: string;
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #lease: Lease;
  #released = false;

  readonly #onEnd: () => void;

  /** Built by `RunOwner.acquire`. */
  constructor(
    store: Store,
    lease: Lease,
    runId: string,
    ttlMs: number,
    onLost: ((runId: string) => void) | undefined,
    onEnd: () => void,
  ) {
    this.#store = store;
    this.#onEnd = onEnd;
    this.#lease = lease;
    this.runId = runId;
    this.#ttlMs = ttlMs;
    this.#timer = setInterval(() => void this.#heartbeat(onLost), Math.max(1, Math.floor(ttlMs / 3)));
    this.#timer.unref();
  }

  /** The current lease; its `token` fences out a previous owner. */
  get lease(): Lease {
    return this.#lease;
  }

  /** Aborted when the lease is lost: stop the run, another process may own it now. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the lease was lost. */
  get lost(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Stops the heartbeat and gives the lease up. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    this.#onEnd();
    if (!this.lost) await this.#store.releaseLease(this.#lease);
  }

  async #heartbeat(onLost?: (runId: string) => void): Promise<void> {
    if (this.#released || this.lost) return;
    try {
      const renewed = await this.#store.renewLease(this.#lease, this.#ttlMs);
      if (renewed !== undefined) {
        this.#lease = renewed;
        return;
      }
    } catch {
      // The store is unreachable: keep trying until the lease would have expired.
      if (Date.now() < this.#lease.expiresAt) return;
    }
    if (this.#released) return;
    clearInterval(this.#timer);
    this.#onEnd();
    this.#controller.abort(
      new RunError('run.not_resumable', {
        message: `Run ${this.runId} lost its lease; another process may own it now`,
        hint: 'The run stops here; the new owner continues it from its last checkpoint.',
        context: { runId: this.runId },
      }),
    );
    onLost?.(this.runId);
  }
}

/**
 * Takes and checks run leases for one process.
 *
 * @example
 * ```ts
 * const owner = new RunOwner({ store, owner: `worker-${process.pid}` });
 * const ownership = await owner.acquire(runId); // throws run.not_resumable if another process runs it
 * try { await execute(runId, ownership.signal); } finally { await ownership.release(); }
 * ```
 */
export class RunOwner {
  readonly #store: Store;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #onLost: ((runId: string) => void) | undefined;
  /** Runs this process executes right now (the store lets the same owner re-take its own lease). */
  readonly #held = new Set<string>();

  constructor(options: RunOwnerOptions) {
    this.#store = options.store;
    this.#owner = options.owner;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#onLost = options.onLost;
  }

  /** This process's owner name. */
  get owner(): string {
    return this.#owner;
  }

  /**
   * Takes the run's lease and starts its heartbeat.
   * @throws RunError `run.not_resumable` naming the current owner when another
   *   process (or another call in this one) holds the run.
   */
  async acquire(runId: string): Promise<RunOwnership> {
    if (this.#held.has(runId)) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is already being executed by "${this.#owner}" (this process)`,
        hint: 'Wait for the current execution to finish or suspend before resuming it again.',
        context: { runId },
      });
    }
    this.#held.add(runId);
    let lease: Lease | undefined;
    try {
      lease = await this.#store.acquireLease(runLeaseName(runId), this.#owner, this.#ttlMs);
    } catch (error) {
      this.#held.delete(runId);
      throw error;
    }
    if (lease === undefined) this.#held.delete(runId);
    const acquired = lease;
    if (acquired === undefined) {
      const holder = await this.#store.readLease(runLeaseName(runId));
      const who = holder === undefined ? 'another process' : `"${holder.owner}"`;
      const until =
        holder === undefined ? '' : ` (lease expires ${new Date(holder.expiresAt).toISOString()})`;
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is being executed by ${who}${until}`,
        hint: 'Wait for it to finish or suspend; if that process died, the run becomes resumable once its lease expires.',
        context: { runId },
      });
    }
    return new RunOwnership(this.#store, acquired, runId, this.#ttlMs, this.#onLost, () =>
      this.#held.delete(runId),
    );
  }

  /** True when the run's checkpoint says `running` and nobody holds its lease: its owner crashed. */
  async isOrphaned(runId: string): Promise<boolean> {
    const [head, lease] = await Promise.all([
      this.#store.get(CHECKPOINT_NAMESPACE, runId),
      this.#store.readLease(runLeaseName(runId)),
    ]);
    return lease === undefined && runningStatus(head);
  }

  /** Ids of every checkpointed run that is `running` with no live lease (resume them with `runtime.resume`). */
  async orphans(): Promise<string[]> {
    const running: string[] = [];
    for await (const [runId, head] of this.#store.entries(CHECKPOINT_NAMESPACE)) {
      if (runningStatus(head)) running.push(runId);
    }
    const leases = await Promise.all(running.map((runId) => this.#store.readLease(runLeaseName(runId))));
    return running.filter((_, index) => leases[index] === undefined);
  }
}

/** Reads `snapshot.status` of a raw head without verifying it (a corrupt head is reported on load). */
function runningStatus(head: unknown): boolean {
  if (typeof head !== 'object' || head === null) return false;
  const snapshot = (head as { snapshot?: unknown }).snapshot;
  return (
    typeof snapshot === 'object' &&
    snapshot !== null &&
    (snapshot as { status?: unknown }).status === 'running'
  );
}
