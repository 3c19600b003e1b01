/**
 * Runs through a queue: `enqueue` (record `queued`, `run.queued`, a `start` job), continuations with
 * decisions, and the worker side that drives a run from whatever state the store holds when a job
 * arrives. The queue only says which run to drive; the run lease decides who drives it.
 */
import type { EventBus } from '../../contracts/event-bus.js';
import type { Queue, RunJob } from '../../contracts/queue.js';
import type { EnqueueRequest, ResumeRequest, RunRecord, RunResult } from '../../contracts/run.js';
import type { Logger } from '../../contracts/services.js';
import type { Store } from '../../contracts/store.js';
import { isAgentryError, RunError } from '../../errors/agentry-error.js';
import { runLeaseName } from '../durability/run-lease.js';
import type { RunRecords, RunRequestLimits } from '../records/run-records.js';
import { checkDecisions } from '../tools/approval-gate.js';

/** What the queue side needs from the runtime. */
export interface QueueHost {
  readonly queue: Queue;
  readonly store: Store;
  readonly bus: EventBus;
  readonly records: RunRecords;
  readonly logger: Logger;
  /** The run-lease owner name of this runtime: the worker id. */
  readonly workerId: string;
  readonly leaseTtlMs: number;
  now(): string;
  /**
   * Starts a `queued` run here (fresh, under the run lease, with the limits it was enqueued with);
   * `undefined` when it is no longer queued.
   */
  startQueued(record: RunRecord, limits: RunRequestLimits): Promise<RunResult | undefined>;
  /** Continues a run here (the in-process resume, never through the queue). */
  resumeHere(runId: string, request?: ResumeRequest): Promise<RunResult>;
  interrupt(runId: string, reason: string): Promise<void>;
}

/** How long a job waits before it is offered again when its run or session is busy elsewhere. */
const BUSY_RETRY_MS = 500;

/** `runAt` as epoch milliseconds; throws `run.request_invalid` for text that is no time. */
export function runAtMs(runAt: EnqueueRequest['runAt']): number | undefined {
  if (runAt === undefined) return undefined;
  const value = typeof runAt === 'number' ? runAt : Date.parse(runAt);
  if (!Number.isFinite(value)) {
    throw new RunError('run.request_invalid', {
      message: `runAt must be an ISO-8601 time or epoch milliseconds, got ${JSON.stringify(runAt)}`,
      hint: 'Pass e.g. runAt: "2026-01-01T09:00:00Z" or Date.now() + 60_000.',
    });
  }
  return value;
}

/** Writes the `queued` record, publishes `run.queued` and adds the `start` job. */
export async function enqueueRun(
  host: QueueHost,
  request: EnqueueRequest,
  runId: string,
  durable: boolean,
): Promise<void> {
  const now = host.now();
  const sessionId = request.sessionId ?? runId;
  const runAt = runAtMs(request.runAt);
  const record: RunRecord = {
    runId,
    sessionId,
    agentId: request.agent,
    ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
    status: 'queued',
    input: request.input,
    durable,
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      modelCalls: 0,
      toolCalls: 0,
      durationMs: 0,
    },
    pending: [],
    createdAt: now,
    updatedAt: now,
  };
  await host.records.queued(
    record,
    {
      ...(request.budget ? { budget: request.budget } : {}),
      ...(request.approvals ? { approvals: request.approvals } : {}),
      ...(request.deadline === undefined ? {} : { deadline: request.deadline }),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.sessionPolicy ? { sessionPolicy: request.sessionPolicy } : {}),
    },
    {
      ...(request.priority === undefined ? {} : { priority: request.priority }),
      ...(runAt === undefined ? {} : { runAt }),
    },
  );
  const job: RunJob = {
    kind: 'start',
    runId,
    agentId: request.agent,
    ...(request.sessionId === undefined ? {} : { sessionId }),
  };
  await host.queue.enqueue(job, {
    ...(request.priority === undefined ? {} : { priority: request.priority }),
    ...(runAt === undefined ? {} : { runAt }),
  });
  await publishQueued(host, record, request.priority, runAt);
}

/** `run.queued` goes to the bus only (seq 0): the stored sequence starts with `run.started`. */
async function publishQueued(host: QueueHost, record: RunRecord, priority?: number, runAt?: number) {
  await host.bus.publish({
    type: 'run.queued',
    runId: record.runId,
    sessionId: record.sessionId,
    agentId: record.agentId,
    seq: 0,
    time: host.now(),
    data: {
      input: record.input,
      durable: record.durable,
      queue: host.queue.name,
      ...(priority === undefined ? {} : { priority }),
      ...(runAt === undefined ? {} : { runAt }),
    },
  });
}

/** Checks the decisions against the stored pending calls, marks the run `queued` and adds a `resume` job. */
export async function enqueueContinuation(
  host: QueueHost,
  runId: string,
  request: Pick<ResumeRequest, 'decisions'> | undefined,
): Promise<RunRecord> {
  const record = await host.records.get(runId);
  if (!record) {
    throw new RunError('run.not_found', {
      message: `No run with id "${runId}"`,
      hint: 'List runs with runtime.runs.list() (or `agentry runs`).',
      context: { runId },
    });
  }
  const resumable =
    record.durable &&
    (record.status === 'suspended' ||
      record.status === 'interrupted' ||
      (record.status === 'failed' && record.error?.retryable === true));
  if (!resumable) {
    throw new RunError('run.not_resumable', {
      message: `Run ${runId} is ${record.status}${record.durable ? '' : ' (not durable)'} and cannot be continued by a worker`,
      hint: 'Workers continue durable runs that are suspended, interrupted or failed with a retryable error.',
      context: { runId },
    });
  }
  const decisions = request?.decisions ?? {};
  if (record.status === 'suspended') checkDecisions(runId, record.pending, decisions);
  await host.records.requeued(runId, host.now());
  await host.queue.enqueue({
    kind: record.status === 'failed' ? 'retry' : 'resume',
    runId,
    agentId: record.agentId,
    ...(record.sessionId === runId ? {} : { sessionId: record.sessionId }),
    ...(Object.keys(decisions).length > 0 ? { decisions } : {}),
  });
  return record;
}

/** Polls the run's record until it stops being `queued`/`running` (a worker drove it), or `signal` aborts. */
export async function waitForStop(
  records: RunRecords,
  runId: string,
  signal: AbortSignal | undefined,
): Promise<RunRecord> {
  for (;;) {
    const record = await records.get(runId);
    if (record && record.status !== 'queued' && record.status !== 'running') return record;
    if (signal?.aborted) throw signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What `driveJob` did, for the consumer: done, or offer the job again later. */
export type DriveOutcome = { status: 'done'; result?: RunResult } | { status: 'deferred'; delayMs: number };

/**
 * Drives the run a job names from its stored state: a `queued` run starts (or continues with the job's
 * decisions), a `running` run whose lease expired is taken over, an `interrupted` or retryably failed
 * run resumes; a run that ended or waits for a person needs nothing. A run leased by a live process, or
 * whose session has an active run, sends the job back to wait.
 */
export async function driveJob(host: QueueHost, job: RunJob): Promise<DriveOutcome> {
  const found = await host.records.getWithLimits(job.runId);
  if (!found) {
    host.logger.warn('a queued job names a run that does not exist', { runId: job.runId });
    return { status: 'done' };
  }
  const { record, limits } = found;
  // A queued run's start job does not look at the run's lease first (a read per queued run): only a taker
  // of the same job holds it, and then `start` finds it taken (`run.not_resumable`, answered below).
  if (job.kind !== 'start' || record.status !== 'queued') {
    const busy = await leaseHeldElsewhere(host, runLeaseName(job.runId), host.workerId);
    if (busy !== undefined) return { status: 'deferred', delayMs: Math.min(host.leaseTtlMs, busy) };
  }
  if (record.sessionId !== record.runId) {
    const session = await leaseHeldElsewhere(host, `session:${record.sessionId}`, record.runId);
    if (session !== undefined && !actsOnBusySession(record, job, limits)) {
      return { status: 'deferred', delayMs: BUSY_RETRY_MS };
    }
  }
  try {
    const result = await driveRecord(host, record, job, limits);
    if (result && (await lostHere(host, result))) {
      // This worker lost the run's lease mid-run (paused, starved, cut off from the store): its writes
      // were refused and the record still says running. Offer the job again: whoever holds the lease
      // now finishes the run, or, when nobody took it, the next attempt takes it over.
      host.logger.warn('a run lost its lease here: its later writes were refused; its job is offered again', {
        runId: job.runId,
        code: result.error?.code,
      });
      return { status: 'deferred', delayMs: BUSY_RETRY_MS };
    }
    return result ? { status: 'done', result } : { status: 'done' };
  } catch (error) {
    // Another worker won the run (its lease) or its session between the check and now: wait and look again.
    if (isAgentryError(error) && (error.code === 'run.not_resumable' || error.code === 'run.busy')) {
      const again = await host.records.get(job.runId);
      if (
        again?.status === 'running' ||
        (again?.status === 'queued' && (await drivenElsewhere(host, again)))
      ) {
        return { status: 'deferred', delayMs: BUSY_RETRY_MS };
      }
      // Still queued and nobody drives it: this job cannot make progress (e.g. a continuation of a run
      // with nothing saved); it fails, and the run with it, rather than being offered forever.
      if (again?.status === 'queued' && error.code === 'run.not_resumable') throw error;
      if (again?.status === 'queued') return { status: 'deferred', delayMs: BUSY_RETRY_MS };
      return { status: 'done' };
    }
    throw error;
  }
}

/**
 * True for a queued run submitted with `sessionPolicy` `reject`, `interrupt` or `steer`: it starts while its
 * session is busy, so its policy acts (it fails with `run.busy`, interrupts the active run and waits for
 * the session, or steers the active run). Asked only when the session is busy; other runs wait for it.
 */
function actsOnBusySession(record: RunRecord, job: RunJob, limits: RunRequestLimits): boolean {
  if (record.status !== 'queued' || job.kind !== 'start') return false;
  const policy = limits.sessionPolicy;
  return policy === 'reject' || policy === 'interrupt' || policy === 'steer';
}

async function driveRecord(
  host: QueueHost,
  record: RunRecord,
  job: RunJob,
  limits: RunRequestLimits,
): Promise<RunResult | undefined> {
  switch (record.status) {
    case 'queued':
      if (job.kind === 'start') return host.startQueued(record, limits);
      return host.resumeHere(record.runId, job.decisions ? { decisions: job.decisions } : undefined);
    case 'running':
    case 'interrupted':
      return record.durable ? host.resumeHere(record.runId) : undefined;
    case 'failed':
      return record.durable && record.error?.retryable ? host.resumeHere(record.runId) : undefined;
    default:
      return undefined;
  }
}

/**
 * True when a segment could not record its ending because this process no longer held the run: the
 * result says the lease was lost and the stored record was not ended.
 */
async function lostHere(host: QueueHost, result: RunResult): Promise<boolean> {
  const code = result.error?.code;
  if (result.status !== 'failed' || (code !== 'run.not_resumable' && code !== 'store.lease_lost'))
    return false;
  const stored = await host.records.get(result.runId);
  return stored?.status === 'running' || stored?.status === 'queued';
}

/** True when another process holds the run's lease or its session's. */
async function drivenElsewhere(host: QueueHost, record: RunRecord): Promise<boolean> {
  if ((await leaseHeldElsewhere(host, runLeaseName(record.runId), host.workerId)) !== undefined) return true;
  if (record.sessionId === record.runId) return false;
  return (await leaseHeldElsewhere(host, `session:${record.sessionId}`, record.runId)) !== undefined;
}

/** Milliseconds left on lease `name` when someone other than `self` holds it, else `undefined`. */
async function leaseHeldElsewhere(host: QueueHost, name: string, self: string): Promise<number | undefined> {
  const lease = await host.store.readLease(name);
  if (!lease || lease.owner === self) return undefined;
  const left = lease.expiresAt - Date.now();
  return left > 0 ? left + 50 : undefined;
}
