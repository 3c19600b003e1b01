/** Contract for the `tool-executor` plugin kind: runs one bound call (timeouts, retries, policies) as middleware. */
import type { Tool, ToolContext, ToolOutcome } from './tool.js';

/** One validated call ready to run. */
export interface ToolExecution {
  readonly tool: Tool;
  /** Input after validation and before hooks. */
  readonly input: unknown;
  readonly context: ToolContext;
}

/** Runs the rest of the chain (the next executor, and finally the tool itself). */
export type NextExecutor = (execution: ToolExecution) => Promise<ToolOutcome>;

/**
 * A tool executor is middleware: it may inspect or change the execution, call
 * `next` zero or more times, and shape the outcome. Executors listed in config
 * compose so that the first listed sees the call first. An executor must not
 * throw for an ordinary tool failure; it returns `{ ok: false, error }`.
 */
export interface ToolExecutor {
  readonly kind: 'tool-executor';
  readonly specVersion: 1;
  readonly name: string;
  execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome>;
  /** How many calls of one model turn may run at once (the runtime uses the lowest of the chain). */
  readonly concurrency?: number;
}

export function isToolExecutor(value: unknown): value is ToolExecutor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'tool-executor' &&
    typeof (value as { execute?: unknown }).execute === 'function'
  );
}
