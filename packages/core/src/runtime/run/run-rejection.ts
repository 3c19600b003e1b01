/** A run refused before it started (`beforeRun` block, passed deadline), and the `afterRun` hooks of every result. */
import type { RunRecord, RunRequest, RunResult } from '../../contracts/run.js';
import type { ResolvedAgent } from '../agent/agent-setup.js';
import { hookRequest, type RunRejection, rejectedResult, runAfterRunHooks } from '../agent/run-hooks.js';
import { writeRunEvents } from '../records/event-log.js';
import { EventRecorder, type RunEventListener } from '../records/event-recorder.js';
import { emptyUsage } from '../state/budget.js';
import { freshSnapshot } from '../state/fresh-snapshot.js';
import type { RuntimeServices } from '../state/run-context.js';

/** The refused request and how it was asked for. */
export interface RejectedRun {
  request: RunRequest;
  agent: ResolvedAgent;
  runId: string;
  /** Set when a queue job started it: its `queued` record is replaced. */
  queued?: RunRecord | undefined;
  listener?: RunEventListener;
}

/**
 * Ends a refused run: one `run.rejected` event (stored with the run's events), a `rejected` record, the
 * `afterRun` hooks. No model call, no tool, no session lease.
 */
export async function rejectRun(
  services: RuntimeServices,
  rejected: RejectedRun,
  rejection: RunRejection,
): Promise<RunResult> {
  const { request, agent, runId } = rejected;
  const now = new Date(services.clock.now()).toISOString();
  const snapshot = freshSnapshot(request, agent, runId, now);
  const ids = { runId, sessionId: snapshot.sessionId, agentId: agent.id };
  const { bus, clock, redactor, logger } = services;
  const recorder = new EventRecorder(ids, bus, clock, redactor, logger, 0, rejected.listener);
  recorder.emit('run.rejected', { reason: rejection.reason, code: rejection.code });
  const result = rejectedResult(ids, rejection, emptyUsage());
  try {
    await writeRunEvents(services.store, recorder.takeEvents());
    await services.records.finished(snapshot, result, rejected.queued?.createdAt ?? now, now);
  } finally {
    // Subscribers hear of the refusal once the record says so.
    recorder.publishHeld();
  }
  const delivering = recorder.settled();
  if (delivering) await delivering;
  await afterRun(services, agent, request, result);
  return result;
}

/** Runs the agent's and the runtime's `afterRun` hooks on a result (a throwing hook is logged and skipped). */
export async function afterRun(
  services: RuntimeServices,
  agent: ResolvedAgent,
  request: RunRequest,
  result: RunResult,
): Promise<void> {
  const hooks = agent.runHooks.afterRun;
  if (hooks.length === 0) return;
  const payload = { request: hookRequest(request, result.runId), result, events: services.bus };
  await runAfterRunHooks(hooks, payload, services.logger);
}
