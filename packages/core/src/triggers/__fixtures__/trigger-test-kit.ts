/** Test fixtures for triggers: a log of bus events a test can wait on, and a queue whose schedule ticks on demand. */
import type { EventBus } from '../../contracts/event-bus.js';
import type { AgentryEvent, AnyAgentryEvent, EventType } from '../../contracts/events.js';
import type { ScheduledTick, ScheduleHandle, ScheduleSpec } from '../../contracts/queue.js';
import { LocalQueue } from '../../defaults/local-queue.js';
import { nextTick } from '../schedule.js';

/** The events a bus delivered (those `keep` selects), in order; `until` waits on them without polling. */
export class EventLog {
  readonly events: AnyAgentryEvent[] = [];
  #waiters: (() => void)[] = [];

  constructor(bus: EventBus, keep: (event: AnyAgentryEvent) => boolean = () => true) {
    bus.onAny((event) => {
      if (!keep(event)) return;
      this.events.push(event);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** The events of one type. */
  of<T extends EventType>(type: T): AgentryEvent<T>[] {
    return this.events.filter((event) => event.type === type) as unknown as AgentryEvent<T>[];
  }

  /** Resolves once `holds` is true: checked now and after every event the log records. */
  async until(holds: (log: this) => boolean): Promise<void> {
    while (!holds(this)) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

interface ManualSchedule {
  spec: ScheduleSpec;
  handler: (tick: ScheduledTick) => Promise<void>;
  last: number;
}

/**
 * A `LocalQueue` whose schedules never tick by themselves: `tick(id)` delivers the schedule's next tick and
 * resolves once the handler (the trigger) has handled it (fired, skipped, or queued behind an active run).
 */
export class ManualScheduleQueue extends LocalQueue {
  readonly #schedules = new Map<string, ManualSchedule>();

  override async schedule(
    id: string,
    spec: ScheduleSpec,
    handler: (tick: ScheduledTick) => Promise<void>,
  ): Promise<ScheduleHandle> {
    this.#schedules.set(id, { spec, handler, last: Date.now() });
    return { stop: async () => void this.#schedules.delete(id) };
  }

  /** Delivers the tick of schedule `id` after the last one delivered (or after now); returns its time. */
  async tick(id: string): Promise<number> {
    const schedule = this.#schedules.get(id);
    if (schedule === undefined) throw new Error(`no schedule ${id}`);
    const scheduledAt = nextTick(schedule.spec, schedule.last);
    schedule.last = scheduledAt;
    await schedule.handler({ scheduleId: id, scheduledAt });
    return scheduledAt;
  }
}
