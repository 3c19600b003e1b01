/**
 * A run whose final checkpoint was written but whose record was not: its process stopped (SIGKILL, a
 * lost host) between the two writes, so the record still says `running` (or `queued`) while the run
 * has ended. The checkpoint and its final event are the truth; the record is written from them.
 */
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { RunResult } from '../../contracts/run.js';
import type { Store } from '../../contracts/store.js';
import type { RunRecords } from '../records/run-records.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { readCheckpointedEvents } from './checkpointed-events.js';

/** Checkpoint statuses a run does not continue from (`suspended` waits for decisions, it has ended its turn). */
const ENDED = new Set<RunSnapshot['status']>(['completed', 'failed', 'cancelled', 'suspended']);

/**
 * True when the checkpoint says the run ended while its record says it is still `running` or `queued`
 * (a `suspended` checkpoint counts only when no decisions come with the resume).
 */
export function endedBeforeItsRecord(
  snapshot: RunSnapshot,
  recordStatus: string | undefined,
  withDecisions: boolean,
): boolean {
  if (!snapshot.durable || !ENDED.has(snapshot.status)) return false;
  if (snapshot.status === 'suspended' && withDecisions) return false;
  return recordStatus === 'running' || recordStatus === 'queued';
}

/**
 * Writes the run record from the ended checkpoint and its final stored event (under the caller's run
 * lease, so the write is fenced) and returns the run's result.
 */
export async function settleEndedRun(
  store: Store,
  records: RunRecords,
  ended: { snapshot: RunSnapshot; createdAt: string },
  now: string,
  worker: string | undefined,
): Promise<RunResult> {
  const { snapshot } = ended;
  const events = await readCheckpointedEvents(store, snapshot.runId, Math.max(0, snapshot.eventSeq - 2));
  const result = resultOf(snapshot, events.at(-1), events.at(-2));
  await records.finished(snapshot, result, ended.createdAt, now, worker);
  return result;
}

function resultOf(
  snapshot: RunSnapshot,
  last: AnyAgentryEvent | undefined,
  before: AnyAgentryEvent | undefined,
): RunResult {
  const base = {
    runId: snapshot.runId,
    sessionId: snapshot.sessionId,
    agentId: snapshot.agentId,
    usage: { ...snapshot.usage },
    output: '',
    pending: [] as RunResult['pending'],
  };
  switch (last?.type) {
    case 'run.completed':
      return { ...base, status: 'completed', stopReason: 'completed', output: last.data.output };
    case 'run.suspended':
      return {
        ...base,
        status: 'suspended',
        stopReason: last.data.stopReason,
        pending: snapshot.pending.map((call) => ({ ...call })),
      };
    case 'run.cancelled':
      return {
        ...base,
        status: 'cancelled',
        stopReason: 'cancelled',
        error: { code: 'run.cancelled', message: last.data.reason, retryable: false },
      };
    case 'run.failed': {
      const { code } = last.data.error;
      const maxSteps = before?.type === 'budget.exceeded' && before.data.limit === 'maxSteps';
      const stopReason =
        code === 'run.timeout'
          ? 'timeout'
          : code === 'budget.exhausted'
            ? maxSteps
              ? 'max_steps'
              : 'budget_exhausted'
            : 'error';
      return { ...base, status: 'failed', stopReason, error: { ...last.data.error } };
    }
    default:
      // The final event is always stored with the final checkpoint; without it, say what is known.
      return {
        ...base,
        status: 'failed',
        stopReason: 'error',
        error: {
          code: 'checkpoint.missing',
          message: `Run ${snapshot.runId} ended ${snapshot.status} but its final event is missing`,
          retryable: false,
        },
      };
  }
}
