import { z } from 'zod';
import type { EventBus } from '../contracts/event-bus.js';
import type { JsonValue } from '../contracts/json.js';
import type { Queue, QueueStatus } from '../contracts/queue.js';
import type {
  CloseOptions,
  EnqueueRequest,
  ResumeRequest,
  RunRecord,
  RunRequest,
  RunResult,
} from '../contracts/run.js';
import type {
  AgentDescription,
  ChildRunner,
  RunQueries,
  RunStream,
  Runtime,
  RunWorker,
  WorkOptions,
} from '../contracts/runtime.js';
import type { StartTriggersOptions, TriggerHandle, TriggerStatus } from '../contracts/triggers.js';
import { LocalQueue } from '../defaults/local-queue.js';
import { PluginError, RunError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { type ActiveRun, ActiveRuns } from './active-runs.js';
import { describeResolvedAgent, type ResolvedAgent, resolveAgent } from './agent/agent-setup.js';
import { MemoryRunPersistence } from './durability/memory-run-persistence.js';
import { DEFAULT_RUN_LEASE_TTL_MS, RunOwner, type RunOwnership } from './durability/run-lease.js';
import type { RunPersistence } from './durability/run-persistence.js';
import { QueueWorker } from './queue/queue-worker.js';
import { enqueueContinuation, enqueueRun, type QueueHost, waitForStop } from './queue/queued-runs.js';
import type { RunEventListener } from './records/event-recorder.js';
import { loadTranscript } from './records/transcript.js';
import { freshSnapshot } from './run/fresh-snapshot.js';
import { injectMemories } from './run/memory-steps.js';
import type { RunContext, RuntimeServices } from './run/run-context.js';
import { admitRun } from './run/run-hooks.js';
import { afterRun, rejectRun } from './run/run-rejection.js';
import { checkResumeRequest, checkRunRequest, runExists, unknownAgent } from './run-request.js';
import {
  applyDecisions,
  type LoadedRun,
  loadForResume,
  type RestartRun,
  restartRequest,
  resumeReason,
} from './run-resume.js';
import { driveSegments, openSegment, type SegmentPlan } from './run-segments.js';
import { streamRun } from './run-stream.js';
import {
  type DefaultRuntimeSetup,
  defaultOwnerName,
  type RuntimePluginDeps,
  runQueries,
  runtimeServices,
} from './runtime-setup.js';
import { type RuntimeTriggers, runtimeTriggers } from './runtime-triggers.js';
import { RuntimeChildRunner, resultOfRecord } from './tools/child-runs.js';

export type { DefaultRuntimeSetup, RuntimePluginDeps } from './runtime-setup.js';

/**
 * Runs agents: validates the request, takes the session lease, injects
 * memory, drives the pattern through bound tools under budgets, suspends for
 * approvals, records events and run records, and resumes suspended runs.
 */
export class DefaultRuntime implements Runtime {
  static readonly plugin = definePlugin({
    kind: 'runtime',
    name: 'default',
    description: 'The default orchestrator',
    configSchema: z.object({}).strict(),
    create: (_config, deps) => {
      const setup = (deps as Partial<RuntimePluginDeps>).setup;
      if (!setup) {
        throw new PluginError('plugin.create_failed', {
          message: 'A runtime plugin needs the resolved agents, store and bus',
          hint: 'Create runtimes with createRuntime({ config }); it loads the runtime slot with everything it needs.',
          context: { plugin: 'default' },
        });
      }
      return new DefaultRuntime(setup);
    },
  });

  readonly kind = 'runtime' as const;
  readonly specVersion = 1 as const;
  readonly events: EventBus;
  readonly runs: RunQueries;
  private readonly services: RuntimeServices;
  private readonly agentMap: ReadonlyMap<string, ResolvedAgent>;
  private readonly memoryPersistence = new MemoryRunPersistence();
  private readonly durablePersistence: RunPersistence | undefined;
  private readonly active = new ActiveRuns();
  /** Takes the run lease of durable runs (only with a store-backed checkpointer). */
  private readonly owner: RunOwner | undefined;
  private readonly leaseTtlMs: number;
  private closed = false;
  private readonly queue: Queue;
  private readonly ownsQueue: boolean;
  private readonly workerId: string;
  private readonly workers = new Set<RunWorker>();
  /** The worker of the in-process queue, started by the first `enqueue`. */
  private localWorker: Promise<RunWorker> | undefined;
  /** Triggers started here (`startTriggers`), stopped by `close`. */
  private readonly triggers: RuntimeTriggers = runtimeTriggers(() => ({
    agents: this.setup.agents,
    store: this.services.store,
    bus: this.services.bus,
    queue: this.queue,
    logger: this.services.logger,
    owner: this.workerId,
    enqueue: (request) => this.enqueue(request),
    record: (runId) => this.services.records.get(runId),
    now: () => this.services.clock.now(),
  }));
  /** Runs other agents as child runs of a run's tool call (what the `agent` tool uses). */
  readonly childRuns: ChildRunner = new RuntimeChildRunner({
    runtime: this,
    activeRun: (runId) => this.active.get(runId)?.run,
    agentBudget: (agentId) => this.agentMap.get(agentId)?.budget,
  });

  constructor(private readonly setup: DefaultRuntimeSetup) {
    this.events = setup.events;
    // Run-record writes of the runs this runtime owns carry their run lease's fence.
    this.services = runtimeServices(setup, (runId) => this.owner?.fenceOf(runId));
    this.agentMap = new Map(
      Object.entries(setup.agents).map(([id, definition]) => [
        id,
        resolveAgent(id, definition, setup.hooks, setup.runHooks),
      ]),
    );
    this.durablePersistence = setup.durablePersistence;
    this.leaseTtlMs = setup.runLeaseTtlMs ?? DEFAULT_RUN_LEASE_TTL_MS;
    this.workerId = setup.owner ?? defaultOwnerName();
    const lease = { store: setup.store, owner: this.workerId, ttlMs: this.leaseTtlMs };
    this.owner = setup.durablePersistence ? new RunOwner(lease) : undefined;
    this.runs = runQueries(this.services);
    this.queue = setup.queue ?? new LocalQueue({ logger: this.services.logger });
    this.ownsQueue = setup.queue === undefined;
  }

  agents(): string[] {
    return [...this.agentMap.keys()];
  }

  describeAgent(agentId: string): AgentDescription | undefined {
    const agent = this.agentMap.get(agentId);
    if (!agent) return undefined;
    const description = describeResolvedAgent(agent);
    return this.services.redactor ? this.services.redactor.redact(description) : description;
  }

  /**
   * Runs an agent to its end (completed, suspended, failed or cancelled). The run is registered before
   * this returns its promise, so `runtime.cancel(runId)` in the same tick cancels it: pass your own
   * `runId` in the request when you may need to cancel early.
   */
  run(request: RunRequest): Promise<RunResult> {
    return this.startRun(request, { streaming: false });
  }

  /** Starts the run at once (like `run`); see `RunStream` for its events, `runId` and `result`. */
  stream(request: RunRequest): RunStream {
    const runId = request.runId ?? this.services.ids.next('run');
    return streamRun(runId, (listener) =>
      this.startRun(request, { streaming: true, listener }, undefined, runId),
    );
  }

  /**
   * Continues a suspended run (with decisions), a durable run whose process
   * stopped (its run lease expired), or a durable run that failed with a
   * retryable error, from its last checkpoint. A durable run stopped before
   * its first checkpoint starts again from its input. Takes the run lease
   * first: when another process holds it, the lease is watched for up to two
   * lease TTLs; if its owner renews it, `run.not_resumable` names that owner,
   * if it expires (the owner died), this process takes the run over.
   */
  async resume(runId: string, request?: ResumeRequest): Promise<RunResult> {
    this.checkOpen();
    checkResumeRequest(runId, request);
    if (!this.queue.inProcess && Object.keys(request?.decisions ?? {}).length > 0) {
      // A shared queue: the decisions go to the queue and some worker continues the run.
      const record = await this.services.records.get(runId);
      if (record && record.parentRunId === undefined && record.durable) {
        await enqueueContinuation(this.queueHost, runId, request);
        return resultOfRecord(await waitForStop(this.services.records, runId, request?.signal));
      }
    }
    return this.resumeHere(runId, request);
  }

  /**
   * Submits a run to the configured queue and resolves with its id at once (record `queued`, event
   * `run.queued`). With the in-process `local` queue this runtime drives it; with `bullmq`, any
   * `agentry worker` does. Runs are durable unless the request says `durable: false`.
   */
  async enqueue(request: EnqueueRequest): Promise<{ runId: string }> {
    this.checkOpen();
    checkRunRequest(request);
    this.agentFor(request.agent);
    const runId = request.runId ?? this.services.ids.next('run');
    if (this.active.has(runId) || (await this.services.records.get(runId))) throw runExists(runId);
    await enqueueRun(this.queueHost, request, runId, request.durable ?? true);
    if (this.queue.inProcess) await this.startLocalWorker();
    return { runId };
  }

  async enqueueResume(runId: string, request?: Pick<ResumeRequest, 'decisions'>): Promise<{ runId: string }> {
    this.checkOpen();
    checkResumeRequest(runId, request);
    await enqueueContinuation(this.queueHost, runId, request);
    if (this.queue.inProcess) await this.startLocalWorker();
    return { runId };
  }

  async work(options: WorkOptions = {}): Promise<RunWorker> {
    this.checkOpen();
    const agents = options.agents ?? this.agents();
    for (const agent of agents) this.agentFor(agent);
    const limits = Object.entries(this.setup.agentLimits ?? {}).filter(([agent]) => agents.includes(agent));
    const worker = await QueueWorker.start(this.queueHost, {
      concurrency: Math.max(1, options.concurrency ?? 4),
      agents,
      agentConcurrency: Object.fromEntries(limits),
    });
    this.workers.add(worker);
    return worker;
  }

  startTriggers(options?: StartTriggersOptions): Promise<TriggerHandle> {
    this.checkOpen();
    return this.triggers.start(options);
  }

  describeTriggers(): Promise<TriggerStatus[]> {
    return this.triggers.describe();
  }

  publish(name: string, payload: JsonValue = null): Promise<void> {
    this.checkOpen();
    return this.triggers.publish(name, payload, this.services.ids.next('evt'));
  }

  queueStatus(): Promise<QueueStatus> {
    return this.queue.status(this.agents());
  }

  private startLocalWorker(): Promise<RunWorker> {
    this.localWorker ??= this.work();
    return this.localWorker;
  }

  /** What the queue side uses of this runtime. */
  private get queueHost(): QueueHost {
    const services = this.services;
    return {
      queue: this.queue,
      store: services.store,
      bus: services.bus,
      records: services.records,
      logger: services.logger,
      workerId: this.workerId,
      leaseTtlMs: this.leaseTtlMs,
      now: () => this.now(),
      startQueued: (record) => this.startQueued(record),
      resumeHere: (runId, request) => this.resumeHere(runId, request),
      interrupt: (runId, reason) => this.interrupt(runId, reason),
    };
  }

  /** Starts a run that a queue job names, under the request limits stored with its `queued` record. */
  private async startQueued(record: RunRecord): Promise<RunResult> {
    const limits = await this.services.records.requestLimits(record.runId);
    const request: RunRequest = {
      agent: record.agentId,
      input: record.input,
      runId: record.runId,
      durable: record.durable,
      ...(record.sessionId === record.runId ? {} : { sessionId: record.sessionId }),
      ...(record.parentRunId === undefined ? {} : { parentRunId: record.parentRunId }),
      ...limits,
    };
    return this.startRun(request, { streaming: false }, record);
  }

  /** `resume` in this process (never through the queue). */
  private async resumeHere(runId: string, request?: ResumeRequest): Promise<RunResult> {
    if (this.active.has(runId)) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is still running in this process`,
        hint: 'Wait for it to suspend or finish (or cancel it) before resuming.',
        context: { runId },
      });
    }
    const entry = this.active.register(runId);
    entry.callerSignal = request?.signal;
    let ownership: RunOwnership | undefined;
    try {
      const local = await this.memoryPersistence.load(runId);
      const durable = local ? undefined : this.durablePersistence;
      if (durable && this.owner) {
        ownership = await this.owner.acquire(runId, {
          waitMs: 2 * this.leaseTtlMs,
          signal: entry.stop.signal,
        });
      }
      const sources = durable ? [durable] : [this.memoryPersistence];
      const loaded = await loadForResume(runId, sources, this.services.records, this.durablePersistence);
      if (loaded.kind === 'restart') return await this.restartFromInput(entry, loaded, ownership);
      return await this.continueFromCheckpoint(entry, loaded, request, ownership);
    } finally {
      await ownership?.release();
      this.active.end(entry);
    }
  }

  /**
   * Cancels a run of this process and resolves once it has stopped. It
   * needs the run's id: a run started with a caller-supplied `runId` can be
   * cancelled from the tick `run` was called in; unknown ids are ignored.
   */
  async cancel(runId: string, reason = 'Cancelled by runtime.cancel'): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return;
    entry.cancel(reason);
    await entry.done;
  }

  /**
   * Stops a run of this process at its next safe point and resolves once it has stopped: a durable run
   * writes its checkpoint, releases its run lease and ends `interrupted` (resume it from any process);
   * a run without durable persistence is cancelled. Unknown ids are ignored.
   */
  async interrupt(runId: string, reason = 'Interrupted by runtime.interrupt'): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return;
    entry.interrupt(reason);
    await entry.done;
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.triggers.stop();
    await Promise.all([...this.workers].map((worker) => worker.stop(options.mode ?? 'drain')));
    if (this.ownsQueue) await this.queue.close();
    if (options.mode === 'interrupt') {
      for (const entry of this.active.all()) entry.interrupt('Interrupted: the runtime is closing');
    }
    await this.active.settled();
    await this.events.close?.();
    for (const closeable of this.setup.closeables ?? []) await closeable.close();
    await this.services.store.close();
  }

  /** A new run from a request (`run` and `stream`): checks it, takes the run lease when durable, runs it. */
  private async startRun(
    request: RunRequest,
    drive: { streaming: boolean; listener?: RunEventListener },
    queued?: RunRecord,
    runId = request.runId ?? this.services.ids.next('run'),
  ): Promise<RunResult> {
    this.checkOpen();
    checkRunRequest(request);
    const agent = this.agentFor(request.agent);
    if (this.active.has(runId)) throw runExists(runId);
    // Registered before the first await: `cancel(runId)` in the caller's tick finds it.
    const entry = this.active.register(runId);
    entry.callerSignal = request.signal;
    let ownership: RunOwnership | undefined;
    try {
      if (!queued && request.runId !== undefined && (await this.services.records.get(runId))) {
        throw runExists(runId);
      }
      const admission = await admitRun(request, runId, agent.runHooks.beforeRun, agent.budget, () =>
        this.services.clock.now(),
      );
      if ('rejected' in admission) {
        return await rejectRun(
          this.services,
          { request, agent, runId, queued, ...drive },
          admission.rejected,
        );
      }
      request = admission.request;
      const snapshot = freshSnapshot(request, agent, runId, this.now());
      const durable = snapshot.durable ? this.durablePersistence : undefined;
      if (durable && this.owner) ownership = await this.owner.acquire(runId);
      // A job delivered twice: only the first taker (now holding the lease) finds the run still queued.
      if (queued && (await this.services.records.get(runId))?.status !== 'queued') throw alreadyTaken(runId);
      const persistence = durable ?? this.memoryPersistence;
      const createdAt = queued?.createdAt ?? snapshot.startedAt;
      const plan = { ...drive, snapshot, agent, ownership, persistence, createdAt };
      const result = await this.runFromInput(
        entry,
        plan,
        request.sessionId !== undefined,
        queued ? 'queued' : 'fresh',
      );
      await afterRun(this.services, agent, request, result);
      return result;
    } finally {
      await ownership?.release();
      this.active.end(entry);
    }
  }

  /** A durable run whose process stopped before its first checkpoint: start it again from its input. */
  private async restartFromInput(
    entry: ActiveRun,
    loaded: RestartRun,
    ownership: RunOwnership | undefined,
  ): Promise<RunResult> {
    const record = loaded.record;
    const agent = this.agentFor(record.agentId);
    const request = restartRequest(record, await this.services.records.requestLimits(record.runId));
    const snapshot = freshSnapshot(request, agent, record.runId, record.createdAt);
    snapshot.resumes = 1;
    const { persistence } = loaded;
    const plan = { snapshot, agent, ownership, persistence, streaming: false, createdAt: record.createdAt };
    return this.runFromInput(entry, plan, request.sessionId !== undefined, 'restart');
  }

  /**
   * The path of a run that starts from its input: `run.started` (and `run.resumed` for a restart), the
   * running record, memory injected and the first checkpoint, then its segments.
   */
  private async runFromInput(
    entry: ActiveRun,
    plan: SegmentPlan,
    explicitSession: boolean,
    from: 'fresh' | 'queued' | 'restart',
  ): Promise<RunResult> {
    const run = openSegment(entry, plan, this.services);
    const { snapshot, agent } = run;
    const worker = workerField(run);
    run.recorder.emit('run.started', {
      input: snapshot.input,
      durable: snapshot.durable,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
      ...worker,
    });
    if (from === 'restart') {
      run.recorder.emit('run.resumed', { attempt: 1, fromStep: 0, reason: 'recovery', ...worker });
    }
    const startedAt = from === 'fresh' ? plan.createdAt : this.now();
    await this.services.records.started(snapshot, startedAt, plan.createdAt, run.options.worker);
    const prepare = async (current: RunContext): Promise<void> => {
      if (agent.memories.length > 0) {
        await injectMemories(current, await loadTranscript(this.services.store, snapshot.sessionId));
      }
      if (current.durable) await current.save('run.started');
    };
    return driveSegments(run, { entry, plan, services: this.services, explicitSession, prepare });
  }

  /** The path of a resume: the loaded snapshot with the decisions applied, `run.resumed`, then its segments. */
  private async continueFromCheckpoint(
    entry: ActiveRun,
    loaded: LoadedRun,
    request: ResumeRequest | undefined,
    ownership: RunOwnership | undefined,
  ): Promise<RunResult> {
    const snapshot = loaded.snapshot;
    const agent = this.agentFor(snapshot.agentId);
    if (agent.pattern.restore) snapshot.patternState = agent.pattern.restore(snapshot.patternState);
    const reason = resumeReason(loaded.from, request);
    applyDecisions(snapshot, agent, request);
    // An explicit resume of a failed run gives automatic resume its attempts again.
    if (loaded.from === 'failed') snapshot.resumeAttempts = 0;
    snapshot.resumes = (snapshot.resumes ?? 0) + 1;
    const { persistence, createdAt } = loaded;
    const plan = { snapshot, agent, ownership, persistence, streaming: false, createdAt };
    const run = openSegment(entry, plan, this.services);
    run.recorder.emit('run.resumed', {
      attempt: snapshot.resumes,
      fromStep: snapshot.step,
      reason,
      ...workerField(run),
    });
    await this.services.records.started(snapshot, this.now(), createdAt, run.options.worker);
    const explicitSession = snapshot.sessionId !== snapshot.runId;
    return driveSegments(run, { entry, plan, services: this.services, explicitSession });
  }

  private agentFor(agentId: string): ResolvedAgent {
    const agent = this.agentMap.get(agentId);
    if (!agent) throw unknownAgent(agentId, this.agents());
    return agent;
  }

  private checkOpen(): void {
    if (this.closed) {
      throw new RunError('runtime.closed', {
        message: 'This runtime was closed',
        hint: 'Create a new runtime with createRuntime().',
      });
    }
  }

  private now(): string {
    return new Date(this.services.clock.now()).toISOString();
  }
}

/** `{ worker }` for events of a segment driven under a run lease (so a cluster shows who drove it). */
function workerField(run: RunContext): { worker?: string } {
  return run.options.worker === undefined ? {} : { worker: run.options.worker };
}

function alreadyTaken(runId: string): RunError {
  return new RunError('run.not_resumable', {
    message: `Run ${runId} is no longer queued: another worker took it`,
    hint: 'Nothing to do: the run is driven elsewhere.',
    context: { runId },
  });
}
