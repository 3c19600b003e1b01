/**
 * Run ownership: a store lease `run:<runId>` held (and renewed by a
 * heartbeat) while a process executes a durable run, so a run is never
 * executed by two processes at once and a crashed owner's run is found again.
 */
import type { Lease, Store, StoreFence } from '../../contracts/store.js';
import { RunError } from '../../errors/agentry-error.js';
import { checkOnRead } from '../state/signal-on-read.js';
import { CHECKPOINT_NAMESPACE, peekStatus } from './envelope.js';
import { defaultLeaseMarginMs, LeaseDeadline } from './lease-deadline.js';

/** Options of `RunOwner`. */
export interface RunOwnerOptions {
  store: Store;
  /** Who this process is (e.g. `worker-<host>-<pid>`); shown in `run.not_resumable` errors. */
  owner: string;
  /** Lease time-to-live; the heartbeat renews it every `ttlMs / 3`. Default 15 000 ms (`DEFAULT_RUN_LEASE_TTL_MS`). */
  ttlMs?: number;
  /** Called when the lease is found lost (taken over, expired while the store was down, or past its local deadline). */
  onLost?: (runId: string) => void;
  /**
   * Safety margin of the local lease deadline: the run stops (its signal
   * aborts) once less than this is left of the lease since its last
   * confirmed renewal, by this process's monotonic clock, and no side effect
   * starts with less left. Default a tenth of `ttlMs`, at most 2 s.
   */
  marginMs?: number;
}

/** Default time-to-live of a run lease. */
export const DEFAULT_RUN_LEASE_TTL_MS = 15_000;

/** Options of `RunOwner.acquire`. */
export interface AcquireRunOptions {
  /**
   * How long to watch a lease held by someone else for it to expire (an
   * orphaned run whose owner died). Default 0: fail at once.
   */
  waitMs?: number;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** Store lease name of a run. */
export function runLeaseName(runId: string): string {
  return `run:${runId}`;
}

/** How `RunOwner.acquire` took a lease (internal). */
interface TakenLease {
  lease: Lease;
  /** `performance.now()` when the request that took it was sent. */
  sentAt: number;
}

/**
 * A held run lease, renewed in the background until `release`. Its signal
 * aborts when the lease is lost, and also, without waiting for the heartbeat,
 * as soon as its local deadline (last confirmed renewal + ttl − margin, on the
 * monotonic clock) has passed: reading `signal.aborted` checks the deadline.
 */
export class RunOwnership {
  readonly runId: string;
  readonly #store: Store;
  readonly #ttlMs: number;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #deadline: LeaseDeadline;
  readonly #onLost: ((runId: string) => void) | undefined;
  #lease: Lease;
  #released = false;
  /** The run's last write, which gives the lease up in its own transaction, is under way (`lastWrite`). */
  #finishing = false;
  #renewing = false;
  #gone = false;

  readonly #onEnd: () => void;

  /** Built by `RunOwner.acquire`. */
  constructor(
    store: Store,
    taken: TakenLease,
    runId: string,
    options: { ttlMs: number; marginMs: number; onLost: ((runId: string) => void) | undefined },
    onEnd: () => void,
  ) {
    this.#store = store;
    this.#onEnd = onEnd;
    this.#lease = taken.lease;
    this.runId = runId;
    this.#ttlMs = options.ttlMs;
    this.#onLost = options.onLost;
    this.#deadline = new LeaseDeadline(options.ttlMs, options.marginMs, taken.sentAt, () => {
      this.#lose();
      this.#onLost?.(runId);
    });
    checkOnRead(this.#controller.signal, () => this.#deadline.check());
    this.#timer = setInterval(() => void this.#heartbeat(), Math.max(1, Math.floor(options.ttlMs / 3)));
    this.#timer.unref();
  }

  /** The fence of this run's writes: the store refuses them once another process holds the lease. */
  get fence(): StoreFence {
    return { lease: this.#lease.name, token: this.#lease.token };
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

  /**
   * Checks before a write: throws `run.not_resumable` when the lease was lost
   * or its local deadline has passed, and renews it first when it has expired
   * by the wall clock. The write itself carries `fence`, so the store refuses
   * it anyway if the lease changed hands after this check.
   */
  async ensureHeld(): Promise<void> {
    if (this.#deadline.check() || this.lost) throw lostLease(this.runId);
    if (Date.now() < this.#lease.expiresAt) return;
    if (!this.lost && !this.#released && (await this.#renew())) return;
    this.#lose();
    throw lostLease(this.runId);
  }

  /**
   * The fence of the run's last write, which gives the lease up in its own transaction
   * (`StoreConditionalOptions.releaseFence`): renewals pause until `lastWriteDone`, so none takes the
   * lease again once that write has given it up.
   */
  lastWrite(): StoreFence {
    this.#finishing = true;
    return this.fence;
  }

  /**
   * After `lastWrite`. `released`: the write gave the lease up, so this ownership ends here (heartbeat
   * stopped, no store call; `release` is then a no-op). Otherwise renewals go on and `release` gives it up.
   */
  lastWriteDone(released: boolean): void {
    this.#finishing = false;
    if (!released) return;
    this.#released = true;
    clearInterval(this.#timer);
    this.#deadline.stop();
    this.#onEnd();
  }

  /** Stops the heartbeat and gives the lease up. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    this.#deadline.stop();
    this.#onEnd();
    if (!this.lost) await this.#store.releaseLease(this.#lease);
  }

  async #heartbeat(): Promise<void> {
    if (this.#released || this.#finishing || this.lost || this.#renewing || this.#deadline.check()) return;
    this.#renewing = true;
    try {
      if (await this.#renew()) return;
    } catch {
      // The store is unreachable: keep trying until the lease would have expired.
      if (Date.now() < this.#lease.expiresAt) return;
    } finally {
      this.#renewing = false;
    }
    // A renewal that failed while the last write gave the lease up: not a loss.
    if (this.#released || this.#finishing) return;
    this.#lose();
    this.#onLost?.(this.runId);
  }

  /**
   * Renews the lease. When it expired before the renewal came (a starved
   * event loop), takes it again, but only if nobody held it in between: the
   * fencing token then moved by at most one. Anything else means another
   * process may have run the run, and this process's state is stale.
   */
  async #renew(): Promise<boolean> {
    const current = this.#lease;
    let sentAt = performance.now();
    const renewed = await this.#store.renewLease(current, this.#ttlMs);
    if (renewed !== undefined) {
      this.#lease = renewed;
      this.#deadline.confirm(sentAt);
      return true;
    }
    sentAt = performance.now();
    const retaken = await this.#store.acquireLease(current.name, current.owner, this.#ttlMs);
    if (retaken === undefined) return false;
    if (retaken.token <= current.token + 1 && !this.#released && !this.#finishing) {
      this.#lease = retaken;
      this.#deadline.confirm(sentAt);
      return true;
    }
    await this.#store.releaseLease(retaken);
    return false;
  }

  /**
   * Stops the run: aborts its signal, and gives the lease up if the store
   * still has it for this process (a deadline that passed while nobody took
   * the run), so that another process can resume the run at once.
   */
  #lose(): void {
    if (this.#gone) return;
    this.#gone = true;
    clearInterval(this.#timer);
    this.#deadline.stop();
    this.#onEnd();
    this.#controller.abort(lostLease(this.runId));
    this.#store.releaseLease(this.#lease).catch(() => {
      // Unreachable store: the lease expires on its own.
    });
  }
}

function lostLease(runId: string): RunError {
  return new RunError('run.not_resumable', {
    message: `Run ${runId} lost its lease; another process may own it now`,
    hint: 'The run stops here; the new owner continues it from its last checkpoint.',
    context: { runId },
  });
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
  readonly #marginMs: number;
  /** Runs this process executes right now (the store lets the same owner re-take its own lease). */
  readonly #held = new Map<string, RunOwnership | undefined>();

  constructor(options: RunOwnerOptions) {
    this.#store = options.store;
    this.#owner = options.owner;
    this.#ttlMs = options.ttlMs ?? DEFAULT_RUN_LEASE_TTL_MS;
    this.#onLost = options.onLost;
    this.#marginMs = options.marginMs ?? defaultLeaseMarginMs(this.#ttlMs);
  }

  /** The fence of a run this process holds (see `RunOwnership.fence`); `undefined` for other runs. */
  fenceOf(runId: string): StoreFence | undefined {
    return this.#held.get(runId)?.fence;
  }

  /** This process's owner name. */
  get owner(): string {
    return this.#owner;
  }

  /**
   * Takes the run's lease and starts its heartbeat. With `waitMs`, a lease
   * held by someone else is watched for up to that long: when it expires
   * without being renewed (its owner died) it is taken over; when its owner
   * renews it, that owner is alive and the call fails at once.
   * @throws RunError `run.not_resumable` naming the current owner when another
   *   process (or another call in this one) holds the run.
   */
  async acquire(runId: string, options: AcquireRunOptions = {}): Promise<RunOwnership> {
    if (this.#held.has(runId)) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is already being executed by "${this.#owner}" (this process)`,
        hint: 'Wait for the current execution to finish or suspend before resuming it again.',
        context: { runId },
      });
    }
    this.#held.set(runId, undefined);
    try {
      const taken = await this.#take(runId, options);
      const ownership = new RunOwnership(
        this.#store,
        taken,
        runId,
        { ttlMs: this.#ttlMs, marginMs: this.#marginMs, onLost: this.#onLost },
        () => {
          if (this.#held.get(runId) === ownership) this.#held.delete(runId);
        },
      );
      this.#held.set(runId, ownership);
      return ownership;
    } catch (error) {
      this.#held.delete(runId);
      throw error;
    }
  }

  async #take(runId: string, options: AcquireRunOptions): Promise<TakenLease> {
    const name = runLeaseName(runId);
    const deadline = Date.now() + (options.waitMs ?? 0);
    const pollMs = Math.max(10, Math.min(1_000, Math.floor(this.#ttlMs / 6)));
    const renewalTolerance = Math.max(5, Math.min(2_000, Math.floor(this.#ttlMs / 6)));
    let seen: Lease | undefined;
    for (let vanished = 0; ; ) {
      const sentAt = performance.now();
      const lease = await this.#store.acquireLease(name, this.#owner, this.#ttlMs);
      if (lease !== undefined) return { lease, sentAt };
      const holder = await this.#store.readLease(name);
      if (holder === undefined) {
        // Released or expired between the two calls: try again, a moment later (a few times; a store
        // that keeps disagreeing is refused).
        if (++vanished < 3) {
          await sleep(vanished * 5, options.signal);
          continue;
        }
        throw busy(runId, undefined);
      }
      // Renewed (or re-taken) since the last look: its owner is alive. Stores that derive `expiresAt`
      // from a remaining TTL report it with a little jitter, hence the tolerance.
      const alive =
        seen !== undefined &&
        (holder.token !== seen.token || holder.expiresAt > seen.expiresAt + renewalTolerance);
      if (alive || holder.expiresAt > deadline || options.signal?.aborted) throw busy(runId, holder);
      seen = holder;
      await sleep(Math.min(pollMs, Math.max(1, holder.expiresAt - Date.now() + 5)), options.signal);
    }
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

/** True when a raw head says `running` (read without verifying it; a corrupt head is reported on load). */
function runningStatus(head: unknown): boolean {
  return peekStatus(head) === 'running';
}

function busy(runId: string, holder: Lease | undefined): RunError {
  const who = holder === undefined ? 'another process' : `"${holder.owner}"`;
  const until = holder === undefined ? '' : ` (lease expires ${new Date(holder.expiresAt).toISOString()})`;
  return new RunError('run.not_resumable', {
    message: `Run ${runId} is being executed by ${who}${until}`,
    hint: 'Wait for it to finish or suspend; if that process died, the run becomes resumable once its lease expires.',
    context: { runId },
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
