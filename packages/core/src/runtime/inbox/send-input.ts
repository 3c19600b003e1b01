/** `runtime.send`: input into a run that has not ended, stored in its inbox (any process sharing the store). */
import { randomUUID } from 'node:crypto';
import type { RunInputReceipt, RunStatus } from '../../contracts/run.js';
import type { Store } from '../../contracts/store.js';
import { type ErrorContext, isRunError, RunError } from '../../errors/agentry-error.js';
import type { RunRecords } from '../records/run-records.js';
import { finishedRun, type InboxItem, postToInbox } from './run-inbox.js';

/** Statuses after which a run takes no input: it can never call the model again. */
const ENDED: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'failed', 'cancelled', 'rejected']);

/** What sending needs of the runtime. */
export interface SendHost {
  readonly store: Store;
  readonly records: RunRecords;
  now(): number;
}

/**
 * Stores `item` in the inbox of `runId`: `run.not_found` for an unknown run, `run.finished` for one that
 * ended (checked again under the inbox lease, so an input is never stored for a run that completed).
 */
export async function postToRun(host: SendHost, runId: string, item: InboxItem): Promise<RunInputReceipt> {
  let status = await statusOf(host, runId);
  const seq = await postToInbox(host.store, runId, item, {
    owner: `send:${randomUUID()}`,
    now: host.now(),
    check: async () => {
      status = await statusOf(host, runId);
    },
  });
  return { runId, seq, status };
}

/**
 * A request to stop a run another process drives (`runtime.cancel` / `runtime.interrupt` of a run that is
 * not active here), stored in its inbox: the driving process acts on it at the run's next step boundary.
 * Only a `running` run (or, for `cancel`, a `queued` one, stopped when it starts) gets one; returns whether
 * the request was stored.
 */
export async function requestStop(
  host: SendHost,
  runId: string,
  kind: 'interrupt' | 'cancel',
  reason: string,
): Promise<boolean> {
  const status = (await host.records.get(runId))?.status;
  if (status !== 'running' && !(kind === 'cancel' && status === 'queued')) return false;
  try {
    await postToRun(host, runId, { kind, reason });
    return true;
  } catch (error) {
    // The run ended meanwhile: there is nothing left to stop.
    if (isRunError(error) && error.code === 'run.finished') return false;
    throw error;
  }
}

/** Checks the message, then stores it as input for the run's pattern. */
export function sendInput(host: SendHost, runId: string, message: unknown): Promise<RunInputReceipt> {
  if (typeof runId !== 'string' || runId === '') {
    throw new RunError('run.request_invalid', {
      message: 'send needs a run id',
      hint: 'Pass the id of a run that has not ended (see `agentry runs`).',
    });
  }
  checkInputText(message, 'runtime.send(runId, "Use metric units")', { runId });
  return postToRun(host, runId, { kind: 'input', text: message });
}

/** Throws `run.request_invalid` unless `message` is text with something in it; `example` shows a good call. */
export function checkInputText(
  message: unknown,
  example: string,
  context: ErrorContext,
): asserts message is string {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new RunError('run.request_invalid', {
      message: 'The input to send is empty',
      hint: `Pass the text the run should receive, e.g. ${example}.`,
      context,
    });
  }
}

async function statusOf(host: SendHost, runId: string): Promise<RunStatus> {
  const record = await host.records.get(runId);
  if (!record) {
    throw new RunError('run.not_found', {
      message: `No run with id ${runId}`,
      hint: 'Check the id (`agentry runs` lists runs); input goes to runs that have not ended.',
      context: { runId },
    });
  }
  if (ENDED.has(record.status)) throw finishedRun(runId, record.status);
  return record.status;
}
