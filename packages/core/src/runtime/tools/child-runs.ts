/** Child runs: another agent run inside a tool call of a parent run (parent id, carved budget, shared cancel, surfaced approvals). */
import type { Budget, Decision, PendingCall, RunRecord, RunResult, RunUsage } from '../../contracts/run.js';
import type { ChildRunner, ChildRunRequest, Runtime } from '../../contracts/runtime.js';
import type { ToolContext, ToolOutcome } from '../../contracts/tool.js';
import { PluginError, ToolError } from '../../errors/agentry-error.js';
import type { LedgerEntry } from '../snapshot/run-snapshot.js';
import type { RunContext } from '../state/run-context.js';

/**
 * The run id of the child started by the tool call `callId`. Deterministic, so
 * a call executed again after a resume finds its child instead of starting a
 * new one; the child's own call ids embed it, so they never collide with the
 * parent's.
 */
export function childRunId(callId: string): string {
  return `${callId}:child`;
}

/** What `RuntimeChildRunner` needs from the runtime that owns it. */
export interface ChildRunHost {
  readonly runtime: Runtime;
  /** The live state of a run executing in this runtime (the parent of a child run). */
  activeRun(runId: string): RunContext | undefined;
  /** The configured budget of an agent (kept in the child's limits: a carve-out never raises it). */
  agentBudget(agentId: string): Budget | undefined;
}

const LIMITS = [
  'maxSteps',
  'maxToolCalls',
  'maxInputTokens',
  'maxOutputTokens',
  'maxTotalTokens',
  'maxCostUsd',
  'maxDurationMs',
] as const satisfies readonly (keyof Budget)[];

/**
 * What the run has left of each of its limits right now (limits it does not
 * have are absent). Steps count the run's own model calls; tool calls include
 * the call being executed.
 */
export function remainingBudget(run: RunContext): Budget {
  const limits = run.budget.limits;
  const usage = run.snapshot.usage;
  const used: { [K in keyof Budget]-?: number } = {
    maxSteps: run.snapshot.step,
    maxToolCalls: usage.toolCalls,
    maxInputTokens: usage.inputTokens,
    maxOutputTokens: usage.outputTokens,
    maxTotalTokens: usage.totalTokens,
    maxCostUsd: usage.costUsd,
    maxDurationMs: usage.durationMs + Math.max(0, run.services.clock.now() - run.startedAt),
  };
  const remaining: Budget = {};
  for (const limit of LIMITS) {
    const max = limits[limit];
    if (max !== undefined) remaining[limit] = Math.max(0, max - used[limit]);
  }
  return remaining;
}

/** The smallest value of each limit over `budgets` (a limit no budget sets stays unset). */
export function tightestBudget(...budgets: readonly (Budget | undefined)[]): Budget {
  const result: Budget = {};
  for (const budget of budgets) {
    if (!budget) continue;
    for (const limit of LIMITS) {
      const value = budget[limit];
      if (value === undefined) continue;
      const current = result[limit];
      result[limit] = current === undefined ? value : Math.min(current, value);
    }
  }
  return result;
}

/**
 * `ChildRunner` of `DefaultRuntime`. A fresh child gets the tightest of its
 * agent's budget, the requested budget and the parent's remaining budget; a
 * durable parent makes the child durable; the parent's request-level approval
 * policy applies to the child too. Usage is added to the parent once, when the
 * child ends (a suspended child's usage is added when it ends after resume).
 */
export class RuntimeChildRunner implements ChildRunner {
  constructor(private readonly host: ChildRunHost) {}

  async run(request: ChildRunRequest, context: ToolContext): Promise<RunResult> {
    const parent = this.host.activeRun(context.runId);
    if (!parent) {
      throw new ToolError('tool.failed', {
        message: `Agent "${request.agent}" can only run as a child of an active run, and run ${context.runId} is not active in this runtime`,
        hint: 'Call delegating tools from a run of the runtime that loaded them.',
        context: { runId: context.runId, callId: context.callId },
      });
    }
    const runId = childRunId(context.callId);
    const entry = parent.snapshot.ledger[context.callId];
    if (entry) entry.childRunId = runId;
    const existing = await this.host.runtime.runs.get(runId);
    const result = existing
      ? await this.continueChild(parent, existing, context)
      : await this.host.runtime.run({
          agent: request.agent,
          input: request.input,
          runId,
          parentRunId: parent.snapshot.runId,
          signal: context.signal,
          budget: tightestBudget(
            this.host.agentBudget(request.agent),
            request.budget,
            remainingBudget(parent),
          ),
          ...(parent.durable ? { durable: true } : {}),
          ...(parent.snapshot.approvals ? { approvals: parent.snapshot.approvals } : {}),
        });
    if (result.status === 'suspended') surfacePending(parent, runId, result.pending);
    addUsage(parent.snapshot.usage, result.usage);
    return result;
  }

  /** A child that exists already: its recorded ending, or a resume (with the parent's decisions for it). */
  private async continueChild(
    parent: RunContext,
    record: RunRecord,
    context: ToolContext,
  ): Promise<RunResult> {
    const runtime = this.host.runtime;
    if (record.status === 'running' || record.status === 'interrupted') {
      return runtime.resume(record.runId, { signal: context.signal });
    }
    if (record.status !== 'suspended') return resultOfRecord(record);
    const decisions = takeDecisions(parent, record.pending);
    if (!decisions) return resultOfRecord(record);
    return runtime.resume(record.runId, { decisions, signal: context.signal });
  }
}

/**
 * True when a call's failure only means "its child run awaits decisions"
 * (the child's pending calls are pending calls of `run` now): the bound tool
 * then leaves the call unsettled and the run suspends. The call is not counted
 * as a tool call until it really ends.
 */
export function heldByChild(run: RunContext, entry: LedgerEntry, outcome: ToolOutcome): boolean {
  const child = entry.childRunId;
  if (outcome.ok || child === undefined) return false;
  const prefix = `${child}:`;
  if (!run.snapshot.pending.some((call) => call.callId.startsWith(prefix))) return false;
  run.snapshot.usage.toolCalls = Math.max(0, run.snapshot.usage.toolCalls - 1);
  return true;
}

/**
 * The runner of a runtime that offers child runs (`DefaultRuntime` does); for
 * any other runtime, a runner whose `run` says that it is not supported.
 */
export function childRunnerOf(runtime: Runtime): ChildRunner {
  const offered = (runtime as { childRuns?: unknown }).childRuns;
  if (typeof offered === 'object' && offered !== null && typeof (offered as ChildRunner).run === 'function') {
    return offered as ChildRunner;
  }
  return {
    run: () =>
      Promise.reject(
        new PluginError('plugin.create_failed', {
          message:
            'This runtime does not run child runs, so tools that delegate to another agent cannot work',
          hint: 'Use runtime: default, or give your runtime plugin a `childRuns` member implementing ChildRunner.',
        }),
      ),
  };
}

/** Makes the child's pending calls pending calls of the parent, then throws: the parent's call waits. */
function surfacePending(parent: RunContext, runId: string, pending: readonly PendingCall[]): never {
  const own = parent.snapshot.pending;
  for (const call of pending) {
    if (own.some((known) => known.callId === call.callId)) continue;
    own.push({ ...call });
    if (call.reason === 'approval') {
      parent.recorder.emit('tool.approval_requested', {
        callId: call.callId,
        tool: call.tool,
        input: call.input,
        inputHash: call.inputHash,
      });
    }
  }
  throw new ToolError('tool.approval_required', {
    message: `Child run ${runId} awaits decisions on: ${pending.map((call) => `${call.callId} (${call.tool})`).join(', ')}`,
    hint: `Resume run ${parent.snapshot.runId} with a decision for each of these call ids; the child resumes with them.`,
    context: { runId: parent.snapshot.runId },
  });
}

/** Removes and returns the parent's decisions for every pending call of the child; none unless all are there. */
function takeDecisions(
  parent: RunContext,
  pending: readonly PendingCall[],
): { [callId: string]: Decision } | undefined {
  const available = parent.snapshot.decisions;
  if (pending.length === 0 || !pending.every((call) => available[call.callId] !== undefined))
    return undefined;
  const taken: { [callId: string]: Decision } = {};
  for (const call of pending) {
    taken[call.callId] = available[call.callId]!;
    delete available[call.callId];
  }
  return taken;
}

/** A stored run's ending as a result (a run still `queued` or `running` reads as failed). */
export function resultOfRecord(record: RunRecord): RunResult {
  return {
    runId: record.runId,
    sessionId: record.sessionId,
    agentId: record.agentId,
    status: record.status === 'running' || record.status === 'queued' ? 'failed' : record.status,
    stopReason: record.stopReason ?? 'error',
    output: record.output ?? '',
    usage: { ...record.usage },
    pending: record.pending.map((call) => ({ ...call })),
    ...(record.error ? { error: { ...record.error } } : {}),
  };
}

/** Adds a child's usage to its parent's (wall time excepted: the parent's clock ran meanwhile). */
function addUsage(target: RunUsage, child: RunUsage): void {
  target.inputTokens += child.inputTokens;
  target.outputTokens += child.outputTokens;
  target.totalTokens += child.totalTokens;
  target.costUsd += child.costUsd;
  target.modelCalls += child.modelCalls;
  target.toolCalls += child.toolCalls;
}
