/**
 * Session policies that act before a new run is created, when its session already has an active run (in
 * this process or another one sharing the store): `steer` sends the new input into that run and waits for
 * its result; `interrupt` asks it to stop at its next safe point, and the new run then waits for the
 * session lease. `reject` and `enqueue` need nothing here: the session lease refuses or waits. A queued
 * run gets the same when a worker takes it, except that `steer` ends it (`run.steered`) without waiting.
 */
import type { RunInputReceipt, RunRequest, RunResult, SessionBusyPolicy } from '../../contracts/run.js';
import { isAgentryError, RunError } from '../../errors/agentry-error.js';
import type { ActiveRuns } from '../active-runs.js';
import type { ResolvedAgent } from '../agent/agent-setup.js';
import type { RunRejection } from '../agent/run-hooks.js';
import { checkInputText, postToRun, type SendHost } from '../inbox/send-input.js';
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
  const receipt = await actOnHolder(host, request, policy, runId);
  if (receipt === undefined) return undefined;
  await host.active.get(receipt.runId)?.done;
  const record = await waitForStop(host.records, receipt.runId, request.signal);
  return resultOfRecord(record);
}

/**
 * The `steer` and `interrupt` of a request whose session has an active run other than `runId`: the input,
 * or a request to stop, is stored in that run's inbox (a run of this process is interrupted at once).
 * Returns the receipt of a steered input; `undefined` when nothing was steered (other policies, a free
 * session, or the active run ended meanwhile: the new run then starts as with `enqueue`). Does not wait.
 */
export async function actOnHolder(
  host: SessionPolicyHost,
  request: Pick<RunRequest, 'sessionId' | 'input'>,
  policy: SessionBusyPolicy,
  runId: string | undefined,
): Promise<RunInputReceipt | undefined> {
  if (request.sessionId === undefined || (policy !== 'steer' && policy !== 'interrupt')) return undefined;
  const holder = (await host.store.readLease(sessionLeaseName(request.sessionId)))?.owner;
  if (holder === undefined || holder === runId) return undefined;
  if (policy === 'steer') return delivered(postToRun(host, holder, { kind: 'input', text: request.input }));
  const reason = `Interrupted: a new run in session ${request.sessionId} replaces it`;
  const local = host.active.get(holder);
  if (local) local.interrupt(reason);
  else await delivered(postToRun(host, holder, { kind: 'interrupt', reason }));
  return undefined;
}

/** The receipt of the post; `undefined` when the run has ended or is unknown (it no longer holds the session). */
async function delivered(post: Promise<RunInputReceipt>): Promise<RunInputReceipt | undefined> {
  try {
    return await post;
  } catch (error) {
    if (isAgentryError(error) && (error.code === 'run.finished' || error.code === 'run.not_found'))
      return undefined;
    throw error;
  }
}

/**
 * `runtime.steer`: sends `message` into the active run of `sessionId` (any process sharing the store) and
 * returns the receipt, which names that run; `undefined` when the session has no active run.
 */
export function steerSession(
  host: SessionPolicyHost,
  sessionId: string,
  message: string,
): Promise<RunInputReceipt | undefined> {
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new RunError('run.request_invalid', {
      message: 'steer needs a session id',
      hint: 'Pass the sessionId whose active run should receive the input.',
    });
  }
  checkInputText(message, 'runtime.steer(sessionId, "Use metric units")', { sessionId });
  return actOnHolder(host, { sessionId, input: message }, 'steer', undefined);
}

/**
 * How a queued run ends when a worker steered its input into the session's active run: `rejected` with
 * `run.steered`, naming that run (`context.holderRunId`) and the input's place in its inbox.
 */
export function steeredRejection(sessionId: string, receipt: RunInputReceipt): RunRejection {
  return {
    code: 'run.steered',
    reason: `Session "${sessionId}" had an active run (${receipt.runId}): this run's input went into it as input ${receipt.seq} of its inbox, and this run did not start (sessionPolicy "steer")`,
    hint: `Follow run ${receipt.runId} for the answer; pass sessionPolicy "enqueue" to run the input as a run of its own.`,
    context: { holderRunId: receipt.runId },
  };
}
