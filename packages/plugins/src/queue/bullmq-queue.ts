/** `bullmq` queue: run jobs on BullMQ 6, on Redis (default) or PostgreSQL, shared by every worker process. */
import {
  type ConsumeOptions,
  definePlugin,
  type EnqueueJobOptions,
  type JobHandler,
  type Logger,
  type Queue,
  type QueueConsumer,
  type QueueCounts,
  type QueueLimits,
  type QueueStatus,
  type RunJob,
  type ScheduledTick,
  type ScheduleHandle,
  type ScheduleSpec,
} from '@agentry/core';
import {
  Queue as BullQueue,
  Worker as BullWorker,
  createPostgresBackend,
  DelayedError,
  type Job,
  withBackend,
} from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { BullmqSchedules, type ScheduleBackend } from './bullmq-schedules.js';

const configSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .meta({ secret: true })
      .describe(
        'redis://… (backend redis) or postgres://… (backend postgres) URL (secret: it may hold a password)',
      ),
    backend: z
      .enum(['redis', 'postgres'])
      .optional()
      .describe('Where BullMQ keeps jobs; default: from the URL scheme (postgres:// → postgres, else redis)'),
    prefix: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _, not starting with a digit')
      .default('agentry')
      .describe('Redis key prefix, or PostgreSQL schema, shared by every process of one deployment'),
    lockDurationMs: z
      .number()
      .int()
      .min(1000)
      .default(15_000)
      .describe(
        "How long a worker's lock on a job lasts without renewal (renewed at half). Keep it at the run lease TTL (default 15 s): a dead worker's job is offered again about when its run lease expires.",
      ),
    stalledIntervalMs: z
      .number()
      .int()
      .min(500)
      .default(5_000)
      .describe('How often workers look for jobs whose lock expired (a dead worker) and offer them again'),
    maxStalledCount: z
      .number()
      .int()
      .min(1)
      .default(50)
      .describe('Times a job may be taken back from dead workers before BullMQ fails it'),
  })
  .strict()
  .describe('Run jobs on BullMQ (Redis or PostgreSQL)');

export type BullmqQueueConfig = z.input<typeof configSchema>;
type Config = z.output<typeof configSchema>;

/** Priority BullMQ gives jobs enqueued without one: after every prioritised job (BullMQ's largest). */
const UNPRIORITISED = 2_097_151;
const JOB_NAME = 'run';
const KEEP = { count: 1000 };

/** The BullMQ classes bound to one backend, and the connection each instance gets. */
interface Backend {
  newQueue(name: string): BullQueue<RunJob>;
  newWorker(
    name: string,
    processor: (job: Job<RunJob>, token?: string) => Promise<void>,
    options: { concurrency: number; name: string },
  ): BullWorker<RunJob>;
  close(): Promise<void>;
}

function redisBackend(config: Config): Backend {
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(config.url, { maxRetriesPerRequest: null, lazyConnect: false });
    connections.push(redis);
    return redis;
  };
  const shared = connect();
  return {
    newQueue: (name) => new BullQueue<RunJob>(name, { connection: shared, prefix: config.prefix }),
    newWorker: (name, processor, options) =>
      new BullWorker<RunJob>(name, processor, {
        connection: connect(),
        prefix: config.prefix,
        ...workerTuning(config),
        ...options,
      }),
    close: async () => {
      await Promise.allSettled(connections.map((redis) => redis.quit()));
    },
  };
}

function postgresBackend(config: Config): Backend {
  const { Queue, Worker } = withBackend(createPostgresBackend);
  const connection = { connectionString: config.url, schema: config.prefix, migrate: true };
  return {
    newQueue: (name) => new Queue<RunJob>(name, { connection }) as unknown as BullQueue<RunJob>,
    newWorker: (name, processor, options) =>
      new Worker<RunJob>(name, processor, {
        connection,
        ...workerTuning(config),
        ...options,
      }) as unknown as BullWorker<RunJob>,
    close: async () => {},
  };
}

function workerTuning(config: Config) {
  return {
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    removeOnComplete: KEEP,
    removeOnFail: KEEP,
  };
}

/** BullMQ queue names: one queue per agent, so `--agents` and per-agent limits map onto BullMQ's own. */
function queueName(agentId: string): string {
  return `runs-${agentId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * Run jobs on BullMQ: one BullMQ queue per agent (`runs-<agent>`), so a worker takes only its agents'
 * jobs and an agent's `maxActiveRuns` is BullMQ's global concurrency of that queue. Jobs are kept in
 * Redis (key prefix `prefix`) or PostgreSQL (schema `prefix`, created by BullMQ's migrations).
 * Delivery is at least once: a job whose worker died (its lock expired) is offered again after
 * `stalledIntervalMs`; the run lease decides whether it really drives the run.
 */
export class BullmqQueue implements Queue {
  static readonly plugin = definePlugin({
    kind: 'queue',
    name: 'bullmq',
    description: 'Shared run queue on BullMQ (Redis or PostgreSQL)',
    configSchema,
    create: (config, deps) => new BullmqQueue(config, deps.logger),
  });

  readonly kind = 'queue' as const;
  readonly specVersion = 1 as const;
  readonly name = 'bullmq';
  readonly inProcess = false;
  readonly #config: Config;
  readonly #backend: Backend;
  readonly #queues = new Map<string, BullQueue<RunJob>>();
  readonly #workers = new Set<BullWorker<RunJob>>();
  readonly #logger: Logger | undefined;
  #schedules: BullmqSchedules | undefined;

  constructor(config: BullmqQueueConfig, logger?: Logger) {
    this.#config = configSchema.parse(config);
    const backend = this.#config.backend ?? (/^postgres(ql)?:/.test(this.#config.url) ? 'postgres' : 'redis');
    this.#backend = backend === 'postgres' ? postgresBackend(this.#config) : redisBackend(this.#config);
    this.#logger = logger;
  }

  /** The backend in use. */
  get backend(): 'redis' | 'postgres' {
    return this.#config.backend ?? (/^postgres(ql)?:/.test(this.#config.url) ? 'postgres' : 'redis');
  }

  async enqueue(job: RunJob, options: EnqueueJobOptions = {}): Promise<{ jobId: string }> {
    const delay = options.runAt === undefined ? 0 : Math.max(0, options.runAt - Date.now());
    const priority =
      options.priority === undefined
        ? UNPRIORITISED
        : Math.min(UNPRIORITISED - 1, Math.max(1, Math.round(options.priority)));
    const added = await this.#queue(job.agentId).add(JOB_NAME, job, {
      priority,
      ...(delay > 0 ? { delay } : {}),
      removeOnComplete: KEEP,
      removeOnFail: KEEP,
    });
    return { jobId: String(added.id) };
  }

  async consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer> {
    // One BullMQ worker per agent; a shared gate keeps this consumer at `concurrency` jobs in all.
    const gate = new Gate(Math.max(1, options.concurrency));
    const processor = async (job: Job<RunJob>, token?: string): Promise<void> => {
      await gate.enter();
      try {
        const outcome = await handler(job.data, {
          jobId: String(job.id),
          redeliveries: Math.max(0, (job.attemptsStarted ?? 1) - 1),
        });
        if (outcome.status === 'deferred') {
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        }
      } finally {
        gate.leave();
      }
    };
    const workers = options.agents.map((agent) => {
      const worker = this.#backend.newWorker(queueName(agent), processor, {
        concurrency: Math.max(1, options.concurrency),
        name: options.workerId,
      });
      worker.on('failed', (job, error) => {
        if (error instanceof DelayedError || error.name === 'DelayedError') return;
        if (job?.deferredFailure) {
          // BullMQ fails a job that stalled too often when a worker next takes it, without calling us.
          const reason = `BullMQ failed job ${job.id} after it was taken back from dead workers more than maxStalledCount (${this.#config.maxStalledCount}) times (${job.deferredFailure})`;
          void options.onGivenUp?.(job.data, reason);
          return;
        }
        this.#logger?.error('a queued job failed', {
          jobId: job?.id,
          runId: job?.data.runId,
          message: error.message,
        });
      });
      worker.on('error', (error) => this.#logger?.warn('queue worker error', { message: error.message }));
      this.#workers.add(worker);
      return worker;
    });
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    return {
      stop: async () => {
        await Promise.all(workers.map((worker) => worker.close()));
        for (const worker of workers) this.#workers.delete(worker);
      },
    };
  }

  async setLimits(limits: QueueLimits): Promise<void> {
    for (const [agent, limit] of Object.entries(limits.agentConcurrency ?? {})) {
      await this.#queue(agent).setGlobalConcurrency(limit);
    }
  }

  async status(agents: readonly string[]): Promise<QueueStatus> {
    const counts: QueueCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    const workers = new Map<string, { id: string; agents: string[] }>();
    let oldest: number | undefined;
    for (const agent of agents) {
      const queue = this.#queue(agent);
      const raw = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed');
      counts.waiting += (raw.wait ?? 0) + (raw.prioritized ?? 0);
      counts.delayed += raw.delayed ?? 0;
      counts.active += raw.active ?? 0;
      counts.completed += raw.completed ?? 0;
      counts.failed += raw.failed ?? 0;
      for (const waiting of await queue.getJobs(['wait', 'prioritized'], 0, 100, true)) {
        if (waiting && (oldest === undefined || waiting.timestamp < oldest)) oldest = waiting.timestamp;
      }
      for (const worker of await queue.getWorkers()) {
        const id = workerName(worker);
        if (id === undefined) continue;
        const entry = workers.get(id) ?? { id, agents: [] };
        entry.agents.push(agent);
        workers.set(id, entry);
      }
    }
    return {
      queue: `bullmq (${this.backend})`,
      inProcess: false,
      counts,
      workers: [...workers.values()],
      ...(oldest === undefined ? {} : { oldestWaitingAt: new Date(oldest).toISOString() }),
    };
  }

  /**
   * Fires `handler` once per tick across every process that registers `id`: a BullMQ job scheduler
   * (`upsertJobScheduler`) whose tick jobs go to one worker each.
   */
  async schedule(
    id: string,
    spec: ScheduleSpec,
    handler: (tick: ScheduledTick) => Promise<void>,
  ): Promise<ScheduleHandle> {
    this.#schedules ??= new BullmqSchedules(
      this.#backend as unknown as ScheduleBackend,
      `schedules-${process.pid}`,
      this.#logger,
    );
    return this.#schedules.schedule(id, spec, handler);
  }

  async close(): Promise<void> {
    await this.#schedules?.close();
    await Promise.allSettled([...this.#workers].map((worker) => worker.close()));
    this.#workers.clear();
    await Promise.allSettled([...this.#queues.values()].map((queue) => queue.close()));
    this.#queues.clear();
    await this.#backend.close();
  }

  #queue(agentId: string): BullQueue<RunJob> {
    const name = queueName(agentId);
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = this.#backend.newQueue(name);
      queue.on('error', (error: Error) => this.#logger?.warn('queue error', { message: error.message }));
      this.#queues.set(name, queue);
    }
    return queue;
  }
}

/**
 * The worker name in a `getWorkers()` entry: Redis reports the raw client name
 * (`<prefix>:<queue>:w:<name>`), PostgreSQL the connection's `application_name`; both end with the name
 * the worker was given.
 */
function workerName(entry: { [key: string]: string }): string | undefined {
  const raw = entry.rawname ?? entry.application_name ?? entry.name;
  if (raw === undefined || raw === '') return undefined;
  const marker = raw.lastIndexOf(':w:');
  return marker >= 0 ? raw.slice(marker + 3) : raw;
}

/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
class Gate {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async enter(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  leave(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}
