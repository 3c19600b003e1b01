/**
 * Session policies that act before a new run is created, when its session already has an active run (in
 * this process or another one sharing the store): `steer` sends the new input into that run and waits for
 * its result; `interrupt` asks it to stop at its next safe point, and the new run then waits for the
 * session lease. `reject` and `enqueue` need nothing here: the session lease refuses or waits.
 */
import type { RunRequest, RunResult, SessionBusyPolicy } from '../../contracts/run.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import type { ActiveRuns } from '../active-runs.js';
import type { ResolvedAgent } from '../agent/agent-setup.js';
import { postToRun, type SendHost } from '../inbox/send-input.js';
import { waitForStop } from '../queue/queued-runs.js';
import { resultOfRecord } from '../tools/child-runs.js';
import { sessionLeaseName } from './session-lease.js';

/** What the policies use of the runtime. */
export interface SessionPolicyHost extends SendHost {
  readonly active: ActiveRuns;
}

/** The policy of a request: its own, else its agent's (`session.onBusy`, older names mapped), else `enqueue`. */
export function sessionPolicyOf(request: RunRequest, agent: ResolvedAgent): SessionBusyPolicy {
  return normalisePolicy(request.sessionPolicy ?? agent.session?.onBusy);
}

/** `wait` and `fail` are the older names of `enqueue` and `reject`. */
export function normalisePolicy(policy: SessionBusyPolicy | 'wait' | 'fail' | undefined): SessionBusyPolicy {
  if (policy === 'wait' || policy === undefined) return 'enqueue';
  if (policy === 'fail') return 'reject';
  return policy;
}

/**
 * Applies `steer` or `interrupt` when the request's session has an active run other than `runId`.
 * Resolves with the steered run's result (`steer`: no new run is made), or `undefined` to start the new run.
 */
export async function applySessionPolicy(
  host: SessionPolicyHost,
  request: RunRequest,
  policy: SessionBusyPolicy,
  runId: string,
): Promise<RunResult | undefined> {
  if (request.sessionId === undefined || (policy !== 'steer' && policy !== 'interrupt')) return undefined;
  const holder = (await host.store.readLease(sessionLeaseName(request.sessionId)))?.owner;
  if (holder === undefined || holder === runId) return undefined;
  const local = host.active.get(holder);
  if (policy === 'interrupt') {
    const reason = `Interrupted: a new run in session ${request.sessionId} replaces it`;
    if (local) local.interrupt(reason);
    else await delivered(postToRun(host, holder, { kind: 'interrupt', reason }));
    return undefined;
  }
  // The active run ended meanwhile: start the new run as `enqueue` would.
  if (!(await delivered(postToRun(host, holder, { kind: 'input', text: request.input })))) return undefined;
  if (local) await local.done;
  const record = await waitForStop(host.records, holder, request.signal);
  return resultOfRecord(record);
}

/** True when the post went through; false when the run has ended or is unknown (it no longer holds the session). */
async function delivered(post: Promise<unknown>): Promise<boolean> {
  try {
    await post;
    return true;
  } catch (error) {
    if (isAgentryError(error) && (error.code === 'run.finished' || error.code === 'run.not_found'))
      return false;
    throw error;
  }
}
