/** The guarded `next` of the tool-executor kit: a failure becomes an outcome, a cancellation stays a throw. */
import type { ToolOutcome } from '../contracts/tool.js';
import type { NextExecutor, ToolExecution } from '../contracts/tool-executor.js';
import { isAgentryError } from '../errors/agentry-error.js';

/**
 * Turns anything a tool (or executor) threw into the outcome the model is shown. A `retryAfterMs` on the
 * error is kept as `metadata.retryAfterMs`, so a retrying executor can honour it.
 */
export function failureOutcome(error: unknown): ToolOutcome {
  if (isAgentryError(error)) {
    return {
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        retryable: error.retryable,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      },
      ...(error.retryAfterMs === undefined ? {} : { metadata: { retryAfterMs: error.retryAfterMs } }),
    };
  }
  return {
    ok: false,
    error: {
      code: 'tool.failed',
      message: error instanceof Error ? error.message : String(error),
      retryable: false,
    },
  };
}

/**
 * Calls `next` and turns an ordinary throw into `{ ok: false }` (`failureOutcome`). When the run
 * itself was aborted (`execution.context.signal`), the throw is passed on: cancellation is not a
 * tool failure. For tool executors that hand a call on down the chain.
 */
export async function callNext(next: NextExecutor, execution: ToolExecution): Promise<ToolOutcome> {
  try {
    return await next(execution);
  } catch (error) {
    if (execution.context.signal.aborted) throw error;
    return failureOutcome(error);
  }
}
