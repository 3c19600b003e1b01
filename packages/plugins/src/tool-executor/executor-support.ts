/** Shared helpers of the builtin tool executors: guarded `next`, abortable sleep. */
import { failureOutcome, type NextExecutor, type ToolExecution, type ToolOutcome } from '@agentry/core';

/**
 * Calls `next` and turns an ordinary throw into `{ ok: false }`. When the run itself was aborted
 * (`execution.context.signal`), the throw is passed on: cancellation is not a tool failure.
 */
export async function callNext(next: NextExecutor, execution: ToolExecution): Promise<ToolOutcome> {
  try {
    return await next(execution);
  } catch (error) {
    if (execution.context.signal.aborted) throw error;
    return failureOutcome(error);
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
