/** The snapshot a fresh run starts from: the pattern's initial state with the user input as first message. */
import type { RunRequest } from '../../contracts/run.js';
import type { ResolvedAgent } from '../agent/agent-setup.js';
import { deadlineMs } from '../agent/run-hooks.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { emptyUsage } from './budget.js';

/** A new run's snapshot; `startedAt` is an ISO-8601 time. The request's budget and approvals are kept for resume. */
export function freshSnapshot(
  request: RunRequest,
  agent: ResolvedAgent,
  runId: string,
  startedAt: string,
): RunSnapshot {
  const input = request.input;
  const deadlineAt = deadlineMs(request.deadline);
  return {
    runId,
    sessionId: request.sessionId ?? runId,
    agentId: agent.id,
    ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
    input,
    durable: request.durable ?? agent.durable,
    status: 'running',
    step: 0,
    patternState: agent.pattern.start({ input, messages: [{ role: 'user', content: input }] }),
    memoryMessages: [],
    usage: emptyUsage(),
    ledger: Object.create(null) as RunSnapshot['ledger'],
    pending: [],
    sticky: {},
    decisions: Object.create(null) as RunSnapshot['decisions'],
    eventSeq: 0,
    resumeAttempts: 0,
    startedAt,
    ...(request.budget ? { budget: request.budget } : {}),
    ...(request.approvals ? { approvals: request.approvals } : {}),
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    ...(request.sessionPolicy ? { sessionPolicy: request.sessionPolicy } : {}),
  };
}

/**
 * The snapshot a durable run starts again from when nothing of it was checkpointed (automatic resume of a
 * run that failed before its first checkpoint and could not save its failure): `previous`'s identity, input,
 * start time and request limits, everything else fresh.
 */
export function restartedSnapshot(previous: RunSnapshot, agent: ResolvedAgent): RunSnapshot {
  const request: RunRequest = {
    agent: previous.agentId,
    input: previous.input,
    durable: true,
    ...(previous.sessionId === previous.runId ? {} : { sessionId: previous.sessionId }),
    ...(previous.parentRunId === undefined ? {} : { parentRunId: previous.parentRunId }),
    ...(previous.budget ? { budget: previous.budget } : {}),
    ...(previous.approvals ? { approvals: previous.approvals } : {}),
    ...(previous.metadata === undefined ? {} : { metadata: previous.metadata }),
    ...(previous.sessionPolicy ? { sessionPolicy: previous.sessionPolicy } : {}),
  };
  const snapshot = freshSnapshot(request, agent, previous.runId, previous.startedAt);
  if (previous.deadlineAt !== undefined) snapshot.deadlineAt = previous.deadlineAt;
  return snapshot;
}
