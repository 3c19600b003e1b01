/** `runtime.stream`: a handle over a started run — its id, its result, and its events as an async queue. */
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { RunResult } from '../contracts/run.js';
import type { RunStream } from '../contracts/runtime.js';
import type { RunEventListener } from './records/event-recorder.js';

/**
 * Starts a run with `start(listener)` at once and returns its stream: the listener queues every event
 * (synchronously, in seq order) until the iterator reads it; the iterator ends once the run has ended,
 * or throws what `start` threw (a bad request).
 */
export function streamRun(
  runId: string,
  start: (listener: RunEventListener) => Promise<RunResult>,
): RunStream {
  const queue: AnyAgentryEvent[] = [];
  let wake: (() => void) | undefined;
  const result = start((event) => {
    queue.push(event);
    wake?.();
  });
  let finished = false;
  const settle = () => {
    finished = true;
    wake?.();
  };
  // Marks the rejection handled: a caller who only iterates gets it from the iterator instead.
  result.then(settle, settle);

  async function* events(): AsyncGenerator<AnyAgentryEvent, void, undefined> {
    let index = 0;
    for (;;) {
      while (index < queue.length) {
        yield queue[index]!;
        index += 1;
      }
      if (finished) {
        if (index < queue.length) continue;
        await result;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
  return { runId, result, [Symbol.asyncIterator]: events };
}
