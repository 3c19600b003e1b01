/** One active run per session: a store lease on `session:<id>`, waited for or refused, renewed while the run lives. */
import type { Lease, Store } from '../../contracts/store.js';
import { RunError } from '../../errors/agentry-error.js';
import type { SessionPolicy } from '../agent/agent-setup.js';

const LEASE_TTL_MS = 30_000;

/** The store lease a session's active run holds; its owner is that run's id. */
export function sessionLeaseName(sessionId: string): string {
  return `session:${sessionId}`;
}
const POLL_MS = 20;

/** A held session lease; `release` is safe to call twice. */
export interface SessionLease {
  release(): Promise<void>;
}

/**
 * Takes the session lease for `owner` (the run id). Throws `RunError('run.busy')`
 * when another run holds it and the policy says fail, or the wait ran out.
 */
export async function acquireSessionLease(
  store: Store,
  sessionId: string,
  owner: string,
  policy: SessionPolicy | undefined,
  signal: AbortSignal,
): Promise<SessionLease> {
  const name = sessionLeaseName(sessionId);
  const rejects = policy?.onBusy === 'fail' || policy?.onBusy === 'reject';
  const waitMs = rejects ? 0 : (policy?.waitMs ?? 30_000);
  const deadline = Date.now() + waitMs;
  let lease = await store.acquireLease(name, owner, LEASE_TTL_MS);
  while (!lease) {
    if (signal.aborted) throw signal.reason;
    if (Date.now() >= deadline) {
      throw new RunError('run.busy', {
        message: `Session "${sessionId}" already has an active run`,
        hint: rejects
          ? 'Wait for the other run to finish, use another sessionId, or set session.onBusy (or the request\'s sessionPolicy) to "enqueue", "interrupt" or "steer".'
          : `Waited ${waitMs} ms; raise the agent's session.waitMs or use another sessionId.`,
        context: { sessionId },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    lease = await store.acquireLease(name, owner, LEASE_TTL_MS);
  }
  return new HeldLease(store, lease);
}

class HeldLease implements SessionLease {
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly store: Store,
    private lease: Lease,
  ) {
    this.timer = setInterval(() => void this.renew(), LEASE_TTL_MS / 3);
    this.timer.unref?.();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.store.releaseLease(this.lease);
  }

  private async renew(): Promise<void> {
    try {
      const renewed = await this.store.renewLease(this.lease, LEASE_TTL_MS);
      if (renewed) this.lease = renewed;
    } catch {
      // A failed renewal is retried on the next tick; the lease only matters once it expires.
    }
  }
}
