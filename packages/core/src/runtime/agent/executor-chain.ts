/** Composes an agent's tool executors as middleware (first listed sees the call first) over a terminal step. */
import type { JsonValue } from '../../contracts/json.js';
import type { ToolOutcome } from '../../contracts/tool.js';
import type { NextExecutor, ToolExecution, ToolExecutor } from '../../contracts/tool-executor.js';
import { failureOutcome } from '../../plugin/call-next.js';

/** True for a promise or any other thenable (what `await` would wait for). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The last step of every chain: runs `tool.execute` with the run's signal.
 * Ordinary failures become `{ ok: false }`; an abort is re-thrown. (The bound
 * tool races the whole chain against the run's abort, so a tool that ignores
 * the signal cannot hold the run.)
 */
export async function executeTool(execution: ToolExecution): Promise<ToolOutcome> {
  return runTool(execution);
}

/**
 * `executeTool`, synchronous for a synchronous tool: its outcome comes back as
 * a value, with no promise to create and await (the chain of an agent without
 * executors, see `composeExecutors`).
 */
function runTool(execution: ToolExecution): ToolOutcome | Promise<ToolOutcome> {
  const { tool, input, context } = execution;
  let output: unknown;
  try {
    output = tool.execute(input, context);
  } catch (error) {
    return failed(error, context.signal);
  }
  if (!isPromiseLike(output)) return succeeded(output);
  return Promise.resolve(output).then(succeeded, (error: unknown) => failed(error, context.signal));
}

function succeeded(output: unknown): ToolOutcome {
  return { ok: true, output: output === undefined ? null : (output as JsonValue) };
}

function failed(error: unknown, signal: AbortSignal): ToolOutcome {
  if (signal.aborted) throw signal.reason;
  return failureOutcome(error);
}

/** A composed chain, built once per agent. */
export interface ExecutorChain {
  /** Runs a call through every executor; without executors, a synchronous tool's outcome comes back as a value. */
  readonly execute: (execution: ToolExecution) => ToolOutcome | Promise<ToolOutcome>;
  /** The lowest `concurrency` of the chain, if any executor sets one. */
  readonly concurrency: number | undefined;
}

/** Composes `executors` so that `executors[0]` sees each call first and `executeTool` runs last. */
export function composeExecutors(executors: readonly ToolExecutor[]): ExecutorChain {
  if (executors.length === 0) return { execute: runTool, concurrency: undefined };
  let next: NextExecutor = executeTool;
  for (let index = executors.length - 1; index >= 0; index -= 1) {
    const executor = executors[index]!;
    const inner = next;
    next = (execution) => executor.execute(execution, inner);
  }
  const limits = executors
    .map((executor) => executor.concurrency)
    .filter((value): value is number => typeof value === 'number' && value > 0);
  return { execute: next, concurrency: limits.length > 0 ? Math.min(...limits) : undefined };
}
