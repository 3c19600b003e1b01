/**
 * The queue side of a runtime: `enqueue`, `enqueueResume`, `work`, `queueStatus`, and the worker of the
 * in-process queue that the first `enqueue` starts. Jobs only name runs; the runtime drives them.
 */
import type { Queue, QueueStatus } from '../../contracts/queue.js';
import type { CloseOptions, EnqueueRequest, ResumeRequest, RunResult } from '../../contracts/run.js';
import type { RunWorker, WorkOptions } from '../../contracts/runtime.js';
import { LocalQueue } from '../../defaults/local-queue.js';
import type { RuntimeServices } from '../state/run-context.js';
import { resultOfRecord } from '../tools/child-runs.js';
import { QueueWorker } from './queue-worker.js';
import { enqueueContinuation, enqueueRun, type QueueHost, waitForStop } from './queued-runs.js';
import { reofferQueued } from './reoffer.js';

/** What the queue side uses of its runtime beyond its services. */
export interface RuntimeQueueHost
  extends Pick<QueueHost, 'workerId' | 'leaseTtlMs' | 'startQueued' | 'resumeHere' | 'interrupt'> {
  /** The agents this runtime knows (the default set a worker takes jobs for). */
  agents(): string[];
  /** Throws `run.unknown_agent` for an agent this runtime does not have. */
  checkAgent(agentId: string): void;
  /** Most active runs per agent across all workers. */
  readonly agentLimits: { [agentId: string]: number };
  /** Throws `run.exists` when `runId` is in use (running here or recorded in the store). */
  checkRunIdFree(runId: string): Promise<void>;
}

export class RuntimeQueue {
  readonly queue: Queue;
  private readonly ownsQueue: boolean;
  private readonly workers = new Set<RunWorker>();
  /** The worker of the in-process queue, started by the first `enqueue`. */
  private localWorker: Promise<RunWorker> | undefined;
  private readonly host: QueueHost;
  /** When this runtime opened: `queued` runs older than this belong to an earlier process. */
  private readonly openedAt = Date.now();
  private reoffered = false;

  constructor(
    private readonly services: RuntimeServices,
    private readonly runtime: RuntimeQueueHost,
    queue: Queue | undefined,
  ) {
    const { store, bus, records, logger, clock } = services;
    this.queue = queue ?? new LocalQueue({ logger });
    this.ownsQueue = queue === undefined;
    const now = () => new Date(clock.now()).toISOString();
    this.host = { ...runtime, queue: this.queue, store, bus, records, logger, now };
  }

  /** Whether decisions for a run should go through the queue (a shared queue, not the in-process one). */
  get shared(): boolean {
    return !this.queue.inProcess;
  }

  async enqueue(request: EnqueueRequest): Promise<{ runId: string }> {
    this.runtime.checkAgent(request.agent);
    const runId = request.runId ?? this.services.ids.next('run');
    // A generated id is new (as for `run`): only a caller's own id is looked up.
    if (request.runId !== undefined) await this.runtime.checkRunIdFree(runId);
    await enqueueRun(this.host, request, runId, request.durable ?? true);
    await this.startLocalWorker();
    return { runId };
  }

  async enqueueResume(runId: string, request?: Pick<ResumeRequest, 'decisions'>): Promise<{ runId: string }> {
    await enqueueContinuation(this.host, runId, request);
    await this.startLocalWorker();
    return { runId };
  }

  /** Puts the decisions on the shared queue and waits until some worker has driven the run to a stop. */
  async resumeThroughQueue(
    runId: string,
    request: ResumeRequest | undefined,
  ): Promise<RunResult | undefined> {
    const record = await this.services.records.get(runId);
    if (!record || record.parentRunId !== undefined || !record.durable) return undefined;
    await enqueueContinuation(this.host, runId, request);
    return resultOfRecord(await waitForStop(this.services.records, runId, request?.signal));
  }

  async work(options: WorkOptions = {}): Promise<RunWorker> {
    const agents = options.agents ?? this.runtime.agents();
    for (const agent of agents) this.runtime.checkAgent(agent);
    const limits = Object.entries(this.runtime.agentLimits).filter(([agent]) => agents.includes(agent));
    const worker = await QueueWorker.start(this.host, {
      concurrency: Math.max(1, options.concurrency ?? 4),
      agents,
      agentConcurrency: Object.fromEntries(limits),
    });
    this.workers.add(worker);
    // The in-process queue lost the jobs of runs an earlier process left queued: offer them again.
    if (this.queue.inProcess && !this.reoffered) {
      this.reoffered = true;
      await reofferQueued(this.host, agents, this.openedAt);
    }
    return worker;
  }

  status(): Promise<QueueStatus> {
    return this.queue.status(this.runtime.agents());
  }

  /** Stops the workers (draining by default) and closes the queue when this runtime created it. */
  async close(mode: CloseOptions['mode']): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.stop(mode ?? 'drain')));
    if (this.ownsQueue) await this.queue.close();
  }

  private async startLocalWorker(): Promise<void> {
    if (!this.queue.inProcess) return;
    this.localWorker ??= this.work();
    await this.localWorker;
  }
}
