/** `LocalQueue`: the in-process queue (the default): jobs live in memory and are taken by this process. */
import { z } from 'zod';
import type {
  ConsumeOptions,
  EnqueueJobOptions,
  JobHandler,
  Queue,
  QueueConsumer,
  QueueLimits,
  QueueStatus,
  RunJob,
  ScheduledTick,
  ScheduleHandle,
  ScheduleSpec,
} from '../contracts/queue.js';
import type { Logger } from '../contracts/services.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';
import { silentLogger } from '../services/console-logger.js';
import { scheduleLocally } from '../triggers/local-schedule.js';

interface Entry {
  id: string;
  job: RunJob;
  priority: number;
  runAt: number;
  seq: number;
  enqueuedAt: number;
  redeliveries: number;
}

interface Consumer {
  handler: JobHandler;
  agents: ReadonlySet<string>;
  concurrency: number;
  workerId: string;
  active: number;
  stopped: boolean;
  idle: Set<Promise<void>>;
}

/**
 * Jobs in memory, taken by consumers of this process in order of `runAt`, then `priority` (lower
 * first), then arrival. Jobs do not survive the process, runs do: a run enqueued here and not yet
 * started keeps its `queued` record, and the next runtime that works on the same store offers it again
 * (see `reofferQueued`). Limits per agent hold within the process. Use the `bullmq` queue to share jobs between processes and hosts.
 */
export class LocalQueue implements Queue {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'queue',
      name: 'local',
      description: 'In-process queue (the default): runs are taken by the process that enqueued them',
      configSchema: z.object({}).strict(),
      create: (_config, deps) => new LocalQueue({ logger: deps.logger }),
    }),
    noOptions,
  );

  readonly kind = 'queue' as const;
  readonly specVersion = 1 as const;
  readonly name = 'local';
  readonly inProcess: boolean = true;
  readonly #waiting: Entry[] = [];
  readonly #consumers = new Set<Consumer>();
  readonly #activeByAgent = new Map<string, number>();
  readonly #logger: Logger;
  #limits: QueueLimits = {};
  #seq = 0;
  #completed = 0;
  #failed = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #schedules = new Set<ScheduleHandle>();

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger ?? silentLogger;
  }

  async enqueue(job: RunJob, options: EnqueueJobOptions = {}): Promise<{ jobId: string }> {
    if (this.#closed) throw new Error('The local queue is closed');
    this.#seq += 1;
    const id = `local-${this.#seq}`;
    const now = Date.now();
    this.#waiting.push({
      id,
      job: structuredClone(job),
      priority: options.priority ?? Number.MAX_SAFE_INTEGER,
      runAt: options.runAt ?? now,
      seq: this.#seq,
      enqueuedAt: now,
      redeliveries: 0,
    });
    this.#dispatch();
    return { jobId: id };
  }

  async consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer> {
    const consumer: Consumer = {
      handler,
      agents: new Set(options.agents),
      concurrency: Math.max(1, options.concurrency),
      workerId: options.workerId,
      active: 0,
      stopped: false,
      idle: new Set(),
    };
    this.#consumers.add(consumer);
    this.#dispatch();
    return {
      stop: async () => {
        consumer.stopped = true;
        this.#consumers.delete(consumer);
        await Promise.allSettled([...consumer.idle]);
      },
    };
  }

  async setLimits(limits: QueueLimits): Promise<void> {
    this.#limits = limits;
  }

  async status(agents: readonly string[]): Promise<QueueStatus> {
    const now = Date.now();
    const mine = this.#waiting.filter((entry) => agents.includes(entry.job.agentId));
    const ready = mine.filter((entry) => entry.runAt <= now);
    const oldest = ready.reduce<number | undefined>(
      (min, entry) => (min === undefined || entry.enqueuedAt < min ? entry.enqueuedAt : min),
      undefined,
    );
    let active = 0;
    for (const agent of agents) active += this.#activeByAgent.get(agent) ?? 0;
    return {
      queue: this.name,
      inProcess: this.inProcess,
      counts: {
        waiting: ready.length,
        delayed: mine.length - ready.length,
        active,
        completed: this.#completed,
        failed: this.#failed,
      },
      workers: [...this.#consumers].map((consumer) => ({
        id: consumer.workerId,
        agents: [...consumer.agents],
      })),
      ...(oldest === undefined ? {} : { oldestWaitingAt: new Date(oldest).toISOString() }),
    };
  }

  /** In-process timers: this process alone fires the schedule. */
  async schedule(
    id: string,
    spec: ScheduleSpec,
    handler: (tick: ScheduledTick) => Promise<void>,
  ): Promise<ScheduleHandle> {
    const handle = scheduleLocally(id, spec, handler, (error) =>
      this.#logger.warn('a scheduled tick failed', { schedule: id, message: String(error) }),
    );
    this.#schedules.add(handle);
    return {
      stop: async () => {
        this.#schedules.delete(handle);
        await handle.stop();
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#schedules].map((handle) => handle.stop()));
    if (this.#timer) clearTimeout(this.#timer);
    const consumers = [...this.#consumers];
    this.#consumers.clear();
    await Promise.allSettled(consumers.flatMap((consumer) => [...consumer.idle]));
  }

  /** Hands every job that may run now to a consumer with a free slot; arms a timer for the next `runAt`. */
  #dispatch(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    this.#waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    let next: number | undefined;
    for (let index = 0; index < this.#waiting.length; ) {
      const entry = this.#waiting[index]!;
      if (entry.runAt > now) {
        next = next === undefined ? entry.runAt : Math.min(next, entry.runAt);
        index++;
        continue;
      }
      const consumer = this.#consumerFor(entry.job.agentId);
      if (!consumer) {
        index++;
        continue;
      }
      this.#waiting.splice(index, 1);
      this.#run(consumer, entry);
    }
    if (next !== undefined) {
      this.#timer = setTimeout(() => this.#dispatch(), Math.max(1, next - now));
      this.#timer.unref?.();
    }
  }

  #consumerFor(agentId: string): Consumer | undefined {
    const limit = this.#limits.agentConcurrency?.[agentId];
    if (limit !== undefined && (this.#activeByAgent.get(agentId) ?? 0) >= limit) return undefined;
    for (const consumer of this.#consumers) {
      if (!consumer.stopped && consumer.active < consumer.concurrency && consumer.agents.has(agentId)) {
        return consumer;
      }
    }
    return undefined;
  }

  #run(consumer: Consumer, entry: Entry): void {
    const agentId = entry.job.agentId;
    consumer.active += 1;
    this.#activeByAgent.set(agentId, (this.#activeByAgent.get(agentId) ?? 0) + 1);
    // Assigned before the handler's first await returns, so `finally` always sees it.
    let handled: Promise<void> | undefined;
    handled = (async () => {
      try {
        const outcome = await consumer.handler(structuredClone(entry.job), {
          jobId: entry.id,
          redeliveries: entry.redeliveries,
        });
        if (outcome.status === 'deferred') {
          this.#waiting.push({
            ...entry,
            runAt: Date.now() + outcome.delayMs,
            redeliveries: entry.redeliveries,
          });
        } else this.#completed += 1;
      } catch (error) {
        this.#failed += 1;
        this.#logger.error('a queued job failed', {
          jobId: entry.id,
          runId: entry.job.runId,
          message: error instanceof Error ? error.message : String(error),
        });
      } finally {
        consumer.active -= 1;
        this.#activeByAgent.set(agentId, (this.#activeByAgent.get(agentId) ?? 1) - 1);
        if (handled) consumer.idle.delete(handled);
        this.#dispatch();
      }
    })();
    consumer.idle.add(handled);
  }
}
