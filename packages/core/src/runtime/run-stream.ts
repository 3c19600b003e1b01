/** `runtime.stream`: an async queue fed synchronously by the run's events, ending after the final event. */
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { RunResult } from '../contracts/run.js';
import type { RunEventListener } from './records/event-recorder.js';

/**
 * Starts a run with `start(listener)` and yields its events in seq order as
 * they happen. The iterator ends once the run has ended; a run that throws
 * (bad request) makes the iterator throw.
 */
export async function* streamRun(
  start: (listener: RunEventListener) => Promise<RunResult>,
): AsyncGenerator<AnyAgentryEvent, void, undefined> {
  const queue: AnyAgentryEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  const listener: RunEventListener = (event) => {
    queue.push(event);
    wake?.();
  };
  start(listener).then(
    () => {
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  let index = 0;
  for (;;) {
    while (index < queue.length) {
      yield queue[index]!;
      index += 1;
    }
    if (finished) {
      if (index < queue.length) continue;
      if (failure) throw failure.error;
      return;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}
