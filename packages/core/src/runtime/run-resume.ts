/** Loading a run for `resume`: find its snapshot, check it can continue, check and apply the decisions. */
import type { ResumeRequest } from '../contracts/run.js';
import { RunError } from '../errors/agentry-error.js';
import type { ResolvedAgent } from './agent-setup.js';
import { checkDecisions } from './approval-gate.js';
import type { RunPersistence } from './run-persistence.js';
import type { RunRecords } from './run-records.js';
import type { RunSnapshot } from './run-snapshot.js';

/** Where a snapshot was found. */
export interface LoadedRun {
  snapshot: RunSnapshot;
  persistence: RunPersistence;
  createdAt: string;
}

/**
 * Finds the run's snapshot (in-process first, then the durable persistence)
 * and checks that it can continue. Throws `run.not_found` / `run.not_resumable`.
 */
export async function loadForResume(
  runId: string,
  sources: readonly RunPersistence[],
  records: RunRecords,
): Promise<LoadedRun> {
  const record = await records.get(runId);
  for (const persistence of sources) {
    const snapshot = await persistence.load(runId);
    if (!snapshot) continue;
    const resumable = snapshot.status === 'suspended' || (snapshot.durable && snapshot.status === 'running');
    if (!resumable) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is ${snapshot.status} and cannot be resumed`,
        hint: 'Only suspended runs (or durable runs whose process stopped) can be resumed; start a new run.',
        context: { runId },
      });
    }
    return { snapshot, persistence, createdAt: record?.createdAt ?? snapshot.startedAt };
  }
  if (record) {
    throw new RunError('run.not_resumable', {
      message: `Run ${runId} is ${record.status} and has no saved state to resume from`,
      hint:
        record.status === 'suspended'
          ? 'A non-durable run can only be resumed by the process that ran it; use durable: true to resume from anywhere.'
          : 'Only suspended runs can be resumed; start a new run.',
      context: { runId },
    });
  }
  throw new RunError('run.not_found', {
    message: `No run with id "${runId}"`,
    hint: 'List runs with runtime.runs.list() (or `agentry runs`).',
    context: { runId },
  });
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
