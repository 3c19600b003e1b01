/** Run-level hooks: `beforeRun` may block a request or rewrite it, `afterRun` sees every result. */
import type { EventBus } from '../../contracts/event-bus.js';
import type { JsonValue } from '../../contracts/json.js';
import type { Budget, RunErrorContext, RunRequest, RunResult } from '../../contracts/run.js';
import type { Logger } from '../../contracts/services.js';

/** What a `beforeRun` hook sees (and `afterRun` sees as `request`). */
export interface RunHookRequest {
  runId: string;
  agent: string;
  input: string;
  /** Unset: the run gets a session of its own. */
  sessionId?: string;
  parentRunId?: string;
  budget?: Budget;
  /** The caller's metadata (identity, trigger, tags); `{}` when none was passed. */
  metadata: { [key: string]: JsonValue };
}

/**
 * What a `beforeRun` hook returns: nothing to let the run pass, `{ block: reason }` to refuse it, or the
 * fields to rewrite (the next hook and the run see the new values).
 */
export type BeforeRunDecision =
  | undefined
  | null
  | { block: string }
  | { input?: string; budget?: Budget; metadata?: { [key: string]: JsonValue } };

export type BeforeRunHook = (
  request: Readonly<RunHookRequest>,
) => BeforeRunDecision | Promise<BeforeRunDecision>;

/** What an `afterRun` hook gets: the request as the run saw it, its result, and the bus to publish on. */
export interface AfterRunPayload {
  request: Readonly<RunHookRequest>;
  result: Readonly<RunResult>;
  events: EventBus;
}

export type AfterRunHook = (payload: AfterRunPayload) => void | Promise<void>;

/** Run hooks of the runtime (config `hooks:`) or of one agent (`agents.<id>.hooks`). */
export interface RunHooks {
  beforeRun?: readonly BeforeRunHook[];
  afterRun?: readonly AfterRunHook[];
}

/** Why a run was refused before it started. */
export interface RunRejection {
  code: 'run.rejected' | 'run.hook_failed' | 'run.deadline_passed' | 'run.steered';
  reason: string;
  hint?: string;
  context?: RunErrorContext;
}

/** The hook request of a run request. */
export function hookRequest(request: RunRequest, runId: string): RunHookRequest {
  return {
    runId,
    agent: request.agent,
    input: request.input,
    ...(request.sessionId === undefined ? {} : { sessionId: request.sessionId }),
    ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
    ...(request.budget === undefined ? {} : { budget: request.budget }),
    metadata: request.metadata ?? {},
  };
}

/**
 * Runs `beforeRun` hooks in order (the runtime's, then the agent's). The first block wins and later hooks
 * do not run; a hook that throws rejects the run (`run.hook_failed`: fail closed, a broken screen lets
 * nothing through). Returns the rewritten request or the rejection.
 */
export async function runBeforeRunHooks(
  hooks: readonly BeforeRunHook[],
  request: RunHookRequest,
): Promise<{ request: RunHookRequest } | { rejected: RunRejection }> {
  let current = request;
  for (const hook of hooks) {
    let decision: BeforeRunDecision;
    try {
      decision = await hook(current);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { rejected: { code: 'run.hook_failed', reason: `A beforeRun hook failed: ${message}` } };
    }
    if (decision === undefined || decision === null) continue;
    if ('block' in decision) return { rejected: { code: 'run.rejected', reason: decision.block } };
    current = {
      ...current,
      ...(typeof decision.input === 'string' ? { input: decision.input } : {}),
      ...(decision.budget ? { budget: decision.budget } : {}),
      ...(decision.metadata ? { metadata: decision.metadata } : {}),
    };
  }
  return { request: current };
}

/**
 * Runs `afterRun` hooks in order (the agent's, then the runtime's). A hook that throws is logged and
 * skipped: the result is the run's, whatever its hooks do.
 */
export async function runAfterRunHooks(
  hooks: readonly AfterRunHook[],
  payload: AfterRunPayload,
  logger: Logger,
): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(payload);
    } catch (error) {
      logger.warn('an afterRun hook failed; the run keeps its result', {
        runId: payload.result.runId,
        code: 'run.hook_failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Epoch milliseconds of a request's `deadline`, or `undefined` without one. */
export function deadlineMs(deadline: string | number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  return typeof deadline === 'number' ? deadline : Date.parse(deadline);
}

/**
 * Admits a run request: refuses it when its `deadline` has passed, runs the `beforeRun` hooks, and turns the
 * deadline into the run's `maxDurationMs` (the earlier of the two limits wins), so an active run stops with
 * `timeout` when the deadline passes.
 */
export async function admitRun(
  request: RunRequest,
  runId: string,
  hooks: readonly BeforeRunHook[],
  agentBudget: Budget,
  nowMs: () => number,
): Promise<{ request: RunRequest } | { rejected: RunRejection }> {
  const deadline = deadlineMs(request.deadline);
  if (deadline !== undefined && deadline <= nowMs()) {
    const at = new Date(deadline).toISOString();
    return { rejected: { code: 'run.deadline_passed', reason: `The run's deadline (${at}) had passed` } };
  }
  let admitted = request;
  if (hooks.length > 0) {
    const decided = await runBeforeRunHooks(hooks, hookRequest(request, runId));
    if ('rejected' in decided) return decided;
    const { input, budget, metadata } = decided.request;
    admitted = { ...request, input, metadata, ...(budget ? { budget } : {}) };
  }
  if (deadline === undefined) return { request: admitted };
  const remaining = Math.max(1, deadline - nowMs());
  const limit = admitted.budget?.maxDurationMs ?? agentBudget.maxDurationMs;
  const maxDurationMs = limit === undefined ? remaining : Math.min(limit, remaining);
  return { request: { ...admitted, budget: { ...admitted.budget, maxDurationMs } } };
}

/** The result of a run refused before it started. */
export function rejectedResult(
  ids: { runId: string; sessionId: string; agentId: string },
  rejection: RunRejection,
  usage: RunResult['usage'],
): RunResult {
  return {
    ...ids,
    status: 'rejected',
    stopReason: rejection.code === 'run.deadline_passed' ? 'timeout' : 'rejected',
    output: '',
    usage,
    pending: [],
    error: {
      code: rejection.code,
      message: rejection.reason,
      ...(rejection.hint === undefined ? {} : { hint: rejection.hint }),
      retryable: false,
      ...(rejection.context === undefined ? {} : { context: rejection.context }),
    },
  };
}
