/** In-process timers for a schedule: what the `local` queue's `schedule` (and queues without one) use. */
import type { ScheduledTick, ScheduleHandle, ScheduleSpec } from '../contracts/queue.js';
import { nextTick } from './schedule.js';

/** Longest single `setTimeout` (timers overflow past 2^31-1 ms); a far tick is reached in steps. */
const MAX_TIMER_MS = 2_147_000_000;

/**
 * Calls `handler` at each tick of `spec` from now on, in this process only. A slow handler does not delay
 * the next tick (overlap is the caller's policy); a handler that throws is reported to `onError`.
 */
export function scheduleLocally(
  id: string,
  spec: ScheduleSpec,
  handler: (tick: ScheduledTick) => Promise<void>,
  onError: (error: unknown) => void = () => undefined,
  now: () => number = Date.now,
): ScheduleHandle {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const arm = (after: number): void => {
    if (stopped) return;
    const due = nextTick(spec, after);
    const wait = () => {
      const left = due - now();
      if (left > 0) {
        timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
        return;
      }
      const running = handler({ scheduleId: id, scheduledAt: due }).catch(onError);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
      arm(Math.max(due, now()));
    };
    wait();
  };
  arm(now());
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all(inFlight);
    },
  };
}
