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
    if (Date.now() >= deadline) throw await sessionBusy(store, sessionId, rejects ? undefined : waitMs);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    lease = await store.acquireLease(name, owner, LEASE_TTL_MS);
  }
  return new HeldLease(store, lease);
}

/**
 * `run.busy` for a session another run holds: names that run (`context.holderRunId`, read from the lease
 * only now, when the request is refused) and what to do. `waitedMs` is set when the run waited and gave up.
 */
async function sessionBusy(store: Store, sessionId: string, waitedMs: number | undefined): Promise<RunError> {
  const holderRunId = (await store.readLease(sessionLeaseName(sessionId)))?.owner;
  const holder = holderRunId === undefined ? 'an active run' : `an active run (${holderRunId})`;
  return new RunError('run.busy', {
    message:
      waitedMs === undefined
        ? `Session "${sessionId}" already has ${holder}`
        : `Session "${sessionId}" still had ${holder} after waiting ${waitedMs} ms`,
    hint:
      waitedMs === undefined
        ? 'Wait for that run to end, send input into it (runtime.send, or sessionPolicy "steer"), use another sessionId, or pass sessionPolicy "enqueue" or "interrupt".'
        : 'Raise the agent\'s session.waitMs, interrupt that run (sessionPolicy "interrupt"), or use another sessionId.',
    context: { sessionId, ...(holderRunId === undefined ? {} : { holderRunId }) },
  });
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
