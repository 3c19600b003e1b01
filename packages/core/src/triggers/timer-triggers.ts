/**
 * Cron and interval triggers: a schedule on the queue (`queue.schedule`: one firing per tick across the
 * cluster with `bullmq`, in-process timers with `local`), an overlap policy when the trigger's previous run
 * is still active, and a misfire policy for ticks missed while nothing ran.
 */
import { RUN_ENDING_EVENTS } from '../contracts/events.js';
import type { ScheduledTick, ScheduleHandle, ScheduleSpec } from '../contracts/queue.js';
import { type Firing, fire, skip } from './fire.js';
import { scheduleLocally } from './local-schedule.js';
import { nextTick, parseEvery, previousTick } from './schedule.js';
import {
  type BoundTrigger,
  claimOnce,
  isActive,
  readState,
  type TriggerHost,
  writeState,
} from './trigger-host.js';

/** How long a misfire claim is kept (one process handles a missed tick). */
const CLAIM_TTL_MS = 24 * 3_600_000;
/** A waiting tick looks at the store again after this long, doubling up to `RECHECK_MAX_MS`. */
const RECHECK_MS = 50;
/** Runs on workers whose events this process's bus does not see are still noticed within this time. */
const RECHECK_MAX_MS = 2_000;
/** Ticks that may wait behind an active run (`overlap: queue`) in one process; later ones are skipped. */
const MAX_WAITING = 100;

/** The schedule of a cron or interval trigger. */
export function scheduleOf(trigger: BoundTrigger): ScheduleSpec {
  const config = trigger.config;
  if (config.type === 'cron') {
    return { kind: 'cron', cron: config.cron, ...(config.timezone ? { timezone: config.timezone } : {}) };
  }
  if (config.type === 'interval') return { kind: 'interval', everyMs: parseEvery(config.every) ?? 60_000 };
  throw new Error(`trigger ${trigger.key} has no schedule`);
}

/** A tick delivered more than this late (a full period, at least 2 s) is a missed one. */
function lateAfterMs(spec: ScheduleSpec, now: number): number {
  const first = nextTick(spec, now);
  return Math.max(2_000, nextTick(spec, first) - first);
}

/** Starts one cron or interval trigger; `stop` ends its timers in this process. */
export async function startTimerTrigger(host: TriggerHost, trigger: BoundTrigger): Promise<ScheduleHandle> {
  const config = trigger.config;
  if (config.type !== 'cron' && config.type !== 'interval') throw new Error('not a timer trigger');
  const spec = scheduleOf(trigger);
  const controller = new AbortController();
  let queued: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  const withOverlap = async (firing: Firing): Promise<void> => {
    if (config.overlap === 'allow') {
      await fire(host, trigger, firing);
      return;
    }
    const previous = (await readState(host, trigger.key)).lastRunId;
    const active = previous !== undefined && isActive(await host.record(previous));
    // With `queue`, a tick that finds earlier ticks waiting waits behind them, in order.
    if (!active && waiting === 0) {
      await fire(host, trigger, firing);
      return;
    }
    if (config.overlap === 'skip' || waiting >= MAX_WAITING) {
      const message = `run ${previous} is still active${waiting > 0 ? ` and ${waiting} ticks wait` : ''}`;
      await skip(host, trigger, firing.payload, 'overlap', message);
      return;
    }
    // `queue`: the tick waits in this process (not holding up the schedule) until the last run stopped.
    waiting += 1;
    queued = queued
      .then(async () => {
        for (let recheckMs = RECHECK_MS; ; recheckMs = Math.min(recheckMs * 2, RECHECK_MAX_MS)) {
          if (controller.signal.aborted) return;
          const last = (await readState(host, trigger.key)).lastRunId;
          if (last === undefined) break;
          // Listening before reading the record: a stop published in between is not missed.
          const stopped = runStopped(host, last, recheckMs, controller.signal);
          const active = isActive(await host.record(last));
          if (active) await stopped.wait;
          stopped.cancel();
          if (!active) break;
        }
        if (controller.signal.aborted) return;
        await fire(host, trigger, firing);
      })
      .catch((error: unknown) => host.logger.warn(`trigger ${trigger.key}: ${String(error)}`))
      .finally(() => {
        waiting -= 1;
      });
  };

  const onTick = async ({ scheduledAt }: ScheduledTick): Promise<void> => {
    const state = await readState(host, trigger.key);
    // A tick handled already (a job delivered twice).
    if (state.lastTickAt !== undefined && state.lastTickAt >= scheduledAt) return;
    await writeState(host, trigger.key, { lastTickAt: scheduledAt });
    const late = host.now() - scheduledAt > lateAfterMs(spec, scheduledAt);
    const payload = { scheduledAt: new Date(scheduledAt).toISOString(), misfire: late };
    if (late && config.misfire === 'skip') {
      await skip(host, trigger, payload, 'misfire', `the tick due at ${payload.scheduledAt} arrived late`);
      return;
    }
    await withOverlap({ payload, dueAt: scheduledAt });
  };

  if (host.queue.inProcess || !host.queue.schedule) await catchUp(host, trigger, spec, withOverlap);
  const id = `trigger:${trigger.key}`;
  const handle = host.queue.schedule
    ? await host.queue.schedule(id, spec, onTick)
    : scheduleLocally(id, spec, onTick, (error) =>
        host.logger.warn(`trigger ${trigger.key}: ${String(error)}`),
      );
  return {
    stop: async () => {
      controller.abort();
      await handle.stop();
      await queued.catch(() => undefined);
    },
  };
}

/**
 * Resolves when the bus reports that `runId` stopped, after `timeoutMs` (its process may publish on another
 * bus), or on `signal`; `cancel` drops the listeners and the timer.
 */
function runStopped(
  host: TriggerHost,
  runId: string,
  timeoutMs: number,
  signal: AbortSignal,
): { wait: Promise<void>; cancel(): void } {
  let done: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    done = resolve;
  });
  const timer = setTimeout(done, timeoutMs);
  const unsubscribes = RUN_ENDING_EVENTS.map((type) =>
    host.bus.on(type, (event) => {
      if (event.runId === runId) done();
    }),
  );
  signal.addEventListener('abort', done, { once: true });
  return {
    wait,
    cancel: () => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      signal.removeEventListener('abort', done);
      done();
    },
  };
}

/**
 * At start with in-process timers: a tick due since the last one handled (stored) was missed while nothing
 * ran. `run-once` fires once for them, `skip` records `trigger.skipped` (`misfire`). A first start records
 * its time, so a later restart knows what it missed.
 */
async function catchUp(
  host: TriggerHost,
  trigger: BoundTrigger,
  spec: ScheduleSpec,
  withOverlap: (firing: Firing) => Promise<void>,
): Promise<void> {
  const now = host.now();
  const state = await readState(host, trigger.key);
  if (state.lastTickAt === undefined) {
    await writeState(host, trigger.key, { lastTickAt: now });
    return;
  }
  const missed = previousTick(spec, now);
  if (missed === undefined || missed <= state.lastTickAt) return;
  if (!(await claimOnce(host, `trigger-misfire:${trigger.key}:${missed}`, CLAIM_TTL_MS))) return;
  await writeState(host, trigger.key, { lastTickAt: missed });
  const payload = { scheduledAt: new Date(missed).toISOString(), misfire: true };
  const since = new Date(state.lastTickAt).toISOString();
  if (
    trigger.config.type !== 'event' &&
    'misfire' in trigger.config &&
    trigger.config.misfire === 'run-once'
  ) {
    await withOverlap({ payload, dueAt: missed });
    return;
  }
  await skip(
    host,
    trigger,
    payload,
    'misfire',
    `ticks since ${since} were missed (last due ${payload.scheduledAt})`,
  );
}
