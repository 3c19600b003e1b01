/** Shared helpers of the builtin tool executors: error → outcome, guarded `next`, abortable sleep. */
import { isAgentryError, type NextExecutor, type ToolExecution, type ToolOutcome } from '@agentry/core';

/** Anything thrown, as the `{ ok: false }` outcome the model is shown. */
export function errorOutcome(error: unknown): ToolOutcome {
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
 * Calls `next` and turns an ordinary throw into `{ ok: false }`. When the run itself was aborted
 * (`execution.context.signal`), the throw is passed on: cancellation is not a tool failure.
 */
export async function callNext(next: NextExecutor, execution: ToolExecution): Promise<ToolOutcome> {
  try {
    return await next(execution);
  } catch (error) {
    if (execution.context.signal.aborted) throw error;
    return errorOutcome(error);
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
