/**
 * Contract for the `queue` plugin kind: carries jobs that say which run to drive. A queue never holds run
 * state (that stays in the store): a job names a run and why it should be driven, and whoever takes the
 * job reads the run's record and checkpoint. Delivery is at least once; the run lease (and the fencing
 * token the store checks) decides who really drives a run, so a job delivered twice is harmless.
 */
import type { Decision } from './run.js';

/** Why a job was enqueued. The worker drives the run from its stored state whatever the kind says. */
export type RunJobKind = 'start' | 'resume' | 'retry' | 'takeover';

/** One job: drive run `runId` (of agent `agentId`). */
export interface RunJob {
  kind: RunJobKind;
  runId: string;
  agentId: string;
  /** Set when the run belongs to an explicit session (one active run per session across workers). */
  sessionId?: string;
  /** For `resume`: the decisions given for the run's pending calls. */
  decisions?: { [callId: string]: Decision };
}

/** How a job is enqueued. */
export interface EnqueueJobOptions {
  /** Lower numbers are taken first; unset: after prioritised jobs, in arrival order. */
  priority?: number;
  /** Not taken before this time (epoch milliseconds). */
  runAt?: number;
}

/** What a handler says about the job it was given. */
export type JobOutcome =
  /** The job is done (the run ended, suspended, was interrupted and re-enqueued, or needed nothing). */
  | { status: 'done' }
  /** Put the job back and offer it again after `delayMs` (e.g. its session has an active run). */
  | { status: 'deferred'; delayMs: number };

/** What a handler gets besides the job. */
export interface JobContext {
  /** The queue's id of this delivery's job. */
  jobId: string;
  /** How many times this job was delivered before (0 on the first delivery). */
  redeliveries: number;
}

/** Handles one job; a thrown error fails the job (it is logged and not retried by the queue). */
export type JobHandler = (job: RunJob, context: JobContext) => Promise<JobOutcome>;

/** Options of `consume`. */
export interface ConsumeOptions {
  /** Jobs handled at once by this consumer. */
  concurrency: number;
  /** Only jobs of these agents (default: every agent of `agents`). */
  agents: readonly string[];
  /** Names this consumer in `status().workers`. */
  workerId: string;
  /**
   * Called when the queue fails a job itself, without handing it to `handler` (the `bullmq` queue: a
   * job taken back from dead workers more than `maxStalledCount` times), with the queue's reason. The
   * runtime marks the job's run failed, so it does not stay `running` for a job that is gone.
   */
  onGivenUp?: ((job: RunJob, reason: string) => Promise<void>) | undefined;
}

/** A running consumer. */
export interface QueueConsumer {
  /** Stops taking jobs; resolves once the handlers in flight have returned. */
  stop(): Promise<void>;
}

/** Job counts of a queue. */
export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

/** What `agentry queue status` shows. */
export interface QueueStatus {
  queue: string;
  /**
   * True when only this process takes the queue's jobs (`local`), false when workers elsewhere share it
   * (`bullmq`): a server then hands runs to the queue instead of driving them itself.
   */
  inProcess?: boolean;
  counts: QueueCounts;
  /** Consumers seen by the queue, with what it knows about them. */
  workers: { id: string; agents?: string[]; seenAt?: string }[];
  /** Enqueue time of the oldest job waiting to be taken (ISO-8601), when one waits. */
  oldestWaitingAt?: string;
}

/** Per-agent limits a queue enforces for every consumer together. */
export interface QueueLimits {
  /** Active runs of one agent across all workers, by agent id. */
  agentConcurrency?: { [agentId: string]: number };
}

/** A recurring schedule (`Queue.schedule`): a cron expression (seconds optional) in a time zone, or a period. */
export type ScheduleSpec =
  | { kind: 'cron'; cron: string; timezone?: string }
  /** Ticks at multiples of `everyMs` since the epoch, so every process agrees on them. */
  | { kind: 'interval'; everyMs: number };

/** One tick of a schedule: the time it was due (epoch ms); it may arrive late (after downtime). */
export interface ScheduledTick {
  scheduleId: string;
  scheduledAt: number;
}

/** A schedule registered by this process; `stop` ends this process's part (a shared schedule stays for others). */
export interface ScheduleHandle {
  stop(): Promise<void>;
}

export interface Queue {
  readonly kind: 'queue';
  readonly specVersion: 1;
  readonly name: string;
  /** True when jobs are taken only by this process (the `local` queue). */
  readonly inProcess: boolean;
  /** Adds a job; resolves once the queue has it (durably, for a server-backed queue). */
  enqueue(job: RunJob, options?: EnqueueJobOptions): Promise<{ jobId: string }>;
  /** Starts taking jobs of `options.agents` and hands them to `handler`. */
  consume(handler: JobHandler, options: ConsumeOptions): Promise<QueueConsumer>;
  /** Sets limits that hold across all consumers (an agent's active runs). */
  setLimits?(limits: QueueLimits): Promise<void>;
  /**
   * Optional: fires `handler` on each tick of `spec`, exactly once per tick across every process that
   * registered the same `id` (the `bullmq` queue uses BullMQ job schedulers; the `local` queue in-process
   * timers). Registering an `id` again with a new spec replaces the spec. Triggers use it for cron and
   * interval; without it the runtime falls back to in-process timers.
   */
  schedule?(
    id: string,
    spec: ScheduleSpec,
    handler: (tick: ScheduledTick) => Promise<void>,
  ): Promise<ScheduleHandle>;
  /** Counts and consumers of the queue, for the agents given. */
  status(agents: readonly string[]): Promise<QueueStatus>;
  close(): Promise<void>;
}

export function isQueue(value: unknown): value is Queue {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'queue';
}
