/** Loading a run for `resume`: find its snapshot, check it can continue, check and apply the decisions. */
import type { ResumeRequest, RunRecord, RunRequest } from '../contracts/run.js';
import { RunError } from '../errors/agentry-error.js';
import type { ResolvedAgent } from './agent/agent-setup.js';
import { endedBeforeItsRecord } from './durability/settle-ended.js';
import type { RunRecords, RunRequestLimits } from './records/run-records.js';
import type { RunSnapshot } from './snapshot/run-snapshot.js';
import type { RunPersistence } from './state/run-persistence.js';
import { checkDecisions } from './tools/approval-gate.js';

/** Why a run is resumed, as `run.resumed` reports it. */
export type ResumeReason = 'decision' | 'retry' | 'recovery';

/** Where a snapshot was found, and why the run can continue. */
export interface LoadedRun {
  kind: 'checkpoint';
  snapshot: RunSnapshot;
  persistence: RunPersistence;
  createdAt: string;
  /** `running` (its process stopped), `interrupted`, `suspended`, or `failed` with a retryable error. */
  from: 'running' | 'interrupted' | 'suspended' | 'failed';
}

/** A durable run whose process stopped before its first checkpoint: it starts again from its input. */
export interface RestartRun {
  kind: 'restart';
  record: RunRecord;
  persistence: RunPersistence;
}

/**
 * A durable run whose final checkpoint was written but not its record (its process stopped between
 * the two): the record is settled from the checkpoint (see `settle-ended.ts`), nothing runs again.
 */
export interface EndedRun {
  kind: 'ended';
  snapshot: RunSnapshot;
  createdAt: string;
}

/** The request a durable run stopped before its first checkpoint starts again with (its input and limits). */
export function restartRequest(
  record: Pick<RunRecord, 'runId' | 'agentId' | 'input' | 'sessionId' | 'parentRunId'>,
  limits: RunRequestLimits,
): RunRequest {
  return {
    agent: record.agentId,
    input: record.input,
    durable: true,
    ...(record.sessionId === record.runId ? {} : { sessionId: record.sessionId }),
    ...(record.parentRunId === undefined ? {} : { parentRunId: record.parentRunId }),
    ...limits,
  };
}

/**
 * Finds the run's snapshot (in-process first, then the durable persistence)
 * and checks that it can continue: suspended runs, durable runs left
 * `running` by a stopped process or `interrupted`, and durable runs that failed with a
 * retryable error. A durable run recorded as `running` with no checkpoint at
 * all comes back as `restart`; one whose checkpoint ended while its record still says `running` or
 * `queued` comes back as `ended`. Throws `run.not_found` / `run.not_resumable`.
 */
export async function loadForResume(
  runId: string,
  sources: readonly RunPersistence[],
  records: RunRecords,
  durable: RunPersistence | undefined,
  withDecisions = false,
): Promise<LoadedRun | RestartRun | EndedRun> {
  const record = await records.get(runId);
  for (const persistence of sources) {
    const snapshot = await persistence.load(runId);
    if (!snapshot) continue;
    const createdAt = record?.createdAt ?? snapshot.startedAt;
    const status = snapshot.status;
    if (endedBeforeItsRecord(snapshot, record?.status, withDecisions)) {
      return { kind: 'ended', snapshot, createdAt };
    }
    if (status === 'suspended' || (snapshot.durable && (status === 'running' || status === 'interrupted'))) {
      return { kind: 'checkpoint', snapshot, persistence, createdAt, from: status };
    }
    if (snapshot.durable && status === 'failed' && record?.status === 'failed' && record.error?.retryable) {
      return { kind: 'checkpoint', snapshot, persistence, createdAt, from: 'failed' };
    }
    throw notResumable(runId, status, record);
  }
  if (record?.status === 'running' && record.durable && durable !== undefined && sources.includes(durable)) {
    return { kind: 'restart', record, persistence: durable };
  }
  if (record) {
    throw new RunError('run.not_resumable', {
      message: `Run ${runId} is ${record.status} and has no saved state to resume from`,
      hint:
        record.status === 'suspended'
          ? 'A non-durable run can only be resumed by the process that ran it; use durable: true to resume from anywhere.'
          : 'Only suspended runs and durable runs (stopped, or failed with a retryable error) can be resumed; start a new run.',
      context: { runId },
    });
  }
  throw new RunError('run.not_found', {
    message: `No run with id "${runId}"`,
    hint: 'List runs with runtime.runs.list() (or `agentry runs`).',
    context: { runId },
  });
}

function notResumable(runId: string, status: RunSnapshot['status'], record: RunRecord | undefined): RunError {
  const error = record?.error;
  const detail = status === 'failed' && error ? ` (${error.code}: ${error.message})` : '';
  const hint =
    status === 'completed'
      ? 'The run already completed; start a new run for new work.'
      : status === 'cancelled'
        ? 'A cancelled run stays cancelled; start a new run.'
        : status === 'failed' && error && !error.retryable
          ? `It failed with a non-retryable error (${error.code}); fix the cause${error.hint ? ` (${error.hint})` : ''} and start a new run.`
          : 'Only suspended runs and durable runs (stopped, or failed with a retryable error) can be resumed; start a new run.';
  return new RunError('run.not_resumable', {
    message: `Run ${runId} is ${status}${detail} and cannot be resumed`,
    hint,
    context: { runId },
  });
}

/** The `run.resumed` reason of a resume that continues from `from`. */
export function resumeReason(from: LoadedRun['from'], request: ResumeRequest | undefined): ResumeReason {
  if (Object.keys(request?.decisions ?? {}).length > 0) return 'decision';
  if (from === 'running' || from === 'interrupted') return 'recovery';
  return from === 'failed' ? 'retry' : 'decision';
}

/**
 * Checks the decisions against the pending calls (and edited inputs against
 * the tools' schemas), then applies them to the snapshot: they are consumed
 * by the calls as the tool turn runs again.
 */
export function applyDecisions(
  snapshot: RunSnapshot,
  agent: ResolvedAgent,
  request: ResumeRequest | undefined,
): void {
  const decisions = request?.decisions ?? {};
  checkDecisions(snapshot.runId, snapshot.pending, decisions);
  for (const call of snapshot.pending) {
    const decision = decisions[call.callId];
    if (!decision || !('approve' in decision) || !decision.approve || decision.input === undefined) continue;
    const tool = agent.tools.get(call.tool);
    const parsed = tool?.input.safeParse(decision.input);
    if (parsed && !parsed.success) {
      throw new RunError('run.decision_invalid', {
        message: `The edited input for call ${call.callId} (${call.tool}) does not match the tool's schema: ${parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
          .join('; ')}`,
        hint: 'Fix the edited input, or approve without `input` to run the call as the model asked.',
        context: { runId: snapshot.runId, callId: call.callId, tool: call.tool },
      });
    }
  }
  snapshot.decisions = Object.assign(Object.create(null) as RunSnapshot['decisions'], decisions);
  snapshot.pending = [];
  snapshot.status = 'running';
}
