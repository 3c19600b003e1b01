/**
 * `Queue.schedule` on BullMQ: one job scheduler per schedule id (`upsertJobScheduler`) in the `schedules`
 * queue, and in each process one BullMQ worker that hands every tick to the handler registered for its
 * scheduler. BullMQ gives each tick's job to one worker, so a tick fires once across the cluster.
 */
import type { Logger, ScheduledTick, ScheduleHandle, ScheduleSpec } from '@agentry/core';
import { type Queue as BullQueue, type Worker as BullWorker, DelayedError, type Job } from 'bullmq';

type Handler = (tick: ScheduledTick) => Promise<void>;

/** What the schedules need from the queue's backend. */
export interface ScheduleBackend {
  newQueue(name: string): BullQueue;
  newWorker(
    name: string,
    processor: (job: Job, token?: string) => Promise<void>,
    options: { concurrency: number; name: string },
  ): BullWorker;
}

const QUEUE = 'schedules';
const KEEP = { count: 100 };
/** A tick for a schedule this process has not registered waits this long for a process that has. */
const UNKNOWN_RETRY_MS = 200;
/** A tick no process took for this long belongs to a schedule that no config has any more. */
const ORPHAN_AFTER_MS = 60_000;

export class BullmqSchedules {
  readonly #handlers = new Map<string, Handler>();
  #queue: BullQueue | undefined;
  #worker: BullWorker | undefined;

  constructor(
    private readonly backend: ScheduleBackend,
    private readonly workerName: string,
    private readonly logger: Logger | undefined,
  ) {}

  async schedule(id: string, spec: ScheduleSpec, handler: Handler): Promise<ScheduleHandle> {
    this.#queue ??= this.backend.newQueue(QUEUE);
    const repeat =
      spec.kind === 'cron'
        ? { pattern: spec.cron, ...(spec.timezone ? { tz: spec.timezone } : {}) }
        : { every: spec.everyMs };
    await this.#queue.upsertJobScheduler(id, repeat, {
      name: id,
      data: {},
      opts: { removeOnComplete: KEEP, removeOnFail: KEEP },
    });
    this.#handlers.set(id, handler);
    this.#worker ??= this.#startWorker();
    return {
      stop: async () => {
        this.#handlers.delete(id);
        if (this.#handlers.size === 0) await this.close();
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    const queue = this.#queue;
    this.#worker = undefined;
    this.#queue = undefined;
    await worker?.close();
    await queue?.close();
  }

  #startWorker(): BullWorker {
    const worker = this.backend.newWorker(
      QUEUE,
      async (job: Job, token?: string) => {
        const handler = this.#handlers.get(job.name);
        const opts = job.opts as { prevMillis?: number; delay?: number };
        const scheduledAt = opts.prevMillis ?? job.timestamp + (opts.delay ?? 0);
        if (!handler) {
          if (Date.now() - scheduledAt > ORPHAN_AFTER_MS) {
            // No process has taken this schedule's ticks for a while: its trigger left every config.
            // A process that registers it again recreates it (upsert).
            await this.#queue?.removeJobScheduler(job.name);
            this.logger?.warn('removed a schedule no process registers', { schedule: job.name });
            return;
          }
          // Another process registered this schedule (e.g. a worker of other agents): let it take the tick.
          await job.moveToDelayed(Date.now() + UNKNOWN_RETRY_MS, token);
          throw new DelayedError();
        }
        await handler({ scheduleId: job.name, scheduledAt });
      },
      { concurrency: 8, name: this.workerName },
    );
    worker.on('failed', (job, error) => {
      if (error instanceof DelayedError || error.name === 'DelayedError') return;
      this.logger?.warn('a scheduled tick failed', { schedule: job?.name, message: error.message });
    });
    worker.on('error', (error) => this.logger?.warn('schedule worker error', { message: error.message }));
    return worker;
  }
}
