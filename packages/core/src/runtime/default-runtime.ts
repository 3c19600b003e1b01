import { z } from 'zod';
import type { EventBus } from '../contracts/event-bus.js';
import type { JsonValue } from '../contracts/json.js';
import type { QueueStatus } from '../contracts/queue.js';
import type {
  CloseOptions,
  EnqueueRequest,
  ResumeRequest,
  RunInputReceipt,
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
import { RunError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';
import { ActiveRuns } from './active-runs.js';
import { describeResolvedAgent, type ResolvedAgent, resolveAgent } from './agent/agent-setup.js';
import { MemoryRunPersistence } from './durability/memory-run-persistence.js';
import { DEFAULT_RUN_LEASE_TTL_MS, RunOwner } from './durability/run-lease.js';
import { requestStop, type SendHost, sendInput } from './inbox/send-input.js';
import { RuntimeQueue } from './queue/runtime-queue.js';
import { steerSession } from './run/session-policy.js';
import { type RunDrive, RunLauncher } from './run-launcher.js';
import { checkResumeRequest, checkRunRequest, runExists, unknownAgent } from './run-request.js';
import { streamRun } from './run-stream.js';
import {
  type DefaultRuntimeSetup,
  defaultOwnerName,
  runQueries,
  runtimeServices,
  setupFromDeps,
} from './runtime-setup.js';
import { type RuntimeTriggers, runtimeTriggers } from './runtime-triggers.js';
import type { RuntimeServices } from './state/run-context.js';
import { RuntimeChildRunner } from './tools/child-runs.js';

export type { DefaultRuntimeSetup, RuntimePluginDeps } from './runtime-setup.js';

/**
 * Runs agents: validates the request, takes the session lease, injects
 * memory, drives the pattern through bound tools under budgets, suspends for
 * approvals, records events and run records, and resumes suspended runs.
 */
export class DefaultRuntime implements Runtime {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'runtime',
      name: 'default',
      description: 'The default orchestrator',
      configSchema: z.object({}).strict(),
      create: (_config, deps) => new DefaultRuntime(setupFromDeps(deps)),
    }),
    noOptions,
  );

  readonly kind = 'runtime' as const;
  readonly specVersion = 1 as const;
  readonly events: EventBus;
  readonly runs: RunQueries;
  private readonly services: RuntimeServices;
  private readonly agentMap: ReadonlyMap<string, ResolvedAgent>;
  private readonly active = new ActiveRuns();
  private readonly launcher: RunLauncher;
  private readonly queued: RuntimeQueue;
  private closed = false;
  /** Triggers started here (`startTriggers`), stopped by `close`. */
  private readonly triggers: RuntimeTriggers;
  /** Runs other agents as child runs of a run's tool call (what the `agent` tool uses). */
  readonly childRuns: ChildRunner = new RuntimeChildRunner({
    runtime: this,
    activeRun: (runId) => this.active.get(runId)?.run,
    agentBudget: (agentId) => this.agentMap.get(agentId)?.budget,
  });

  constructor(private readonly setup: DefaultRuntimeSetup) {
    this.events = setup.events;
    const workerId = setup.owner ?? defaultOwnerName();
    const leaseTtlMs = setup.runLeaseTtlMs ?? DEFAULT_RUN_LEASE_TTL_MS;
    // Takes the run lease of durable runs (only with a store-backed checkpointer).
    const owner = setup.durablePersistence
      ? new RunOwner({ store: setup.store, owner: workerId, ttlMs: leaseTtlMs })
      : undefined;
    // Run-record writes of the runs this runtime owns carry their run lease's fence.
    const services = runtimeServices(setup, (runId) => owner?.fenceOf(runId));
    this.services = services;
    this.agentMap = new Map(
      Object.entries(setup.agents).map(([id, definition]) => [
        id,
        resolveAgent(id, definition, setup.hooks, setup.runHooks),
      ]),
    );
    this.runs = runQueries(services);
    const agentFor = (agentId: string) => this.agentFor(agentId);
    this.launcher = new RunLauncher({
      services,
      active: this.active,
      memoryPersistence: new MemoryRunPersistence(),
      durablePersistence: setup.durablePersistence,
      owner,
      leaseTtlMs,
      agentFor,
    });
    this.queued = new RuntimeQueue(
      services,
      {
        workerId,
        leaseTtlMs,
        agentLimits: setup.agentLimits ?? {},
        agents: () => this.agents(),
        checkAgent: agentFor,
        checkRunIdFree: async (runId) => {
          if (this.active.has(runId) || (await services.records.get(runId))) throw runExists(runId);
        },
        startQueued: (record, limits) => {
          this.checkOpen();
          return this.launcher.startQueued(record, limits);
        },
        resumeHere: (runId, request) => this.launcher.resume(runId, request),
        interrupt: (runId, reason) => this.interrupt(runId, reason),
      },
      setup.queue,
    );
    const { store, bus, logger, records, clock } = services;
    this.triggers = runtimeTriggers(() => ({
      ...{ agents: setup.agents, store, bus, logger, queue: this.queued.queue, owner: workerId },
      enqueue: (request) => this.enqueue(request),
      record: (runId) => records.get(runId),
      now: () => clock.now(),
    }));
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
    return streamRun(runId, (listener) => this.startRun(request, { streaming: true, listener }, runId));
  }

  /**
   * Continues a suspended run (with decisions), a durable run whose process
   * stopped (its run lease expired), or a durable run that failed with a
   * retryable error, from its last checkpoint. A durable run stopped before
   * its first checkpoint starts again from its input. Takes the run lease
   * first: when another process holds it, the lease is watched for up to two
   * lease TTLs; if its owner renews it, `run.not_resumable` names that owner,
   * if it expires (the owner died), this process takes the run over.
   * With a shared queue, decisions go to the queue and some worker continues the run.
   */
  async resume(runId: string, request?: ResumeRequest): Promise<RunResult> {
    this.checkOpen();
    checkResumeRequest(runId, request);
    if (this.queued.shared && Object.keys(request?.decisions ?? {}).length > 0) {
      const result = await this.queued.resumeThroughQueue(runId, request);
      if (result) return result;
    }
    return this.launcher.resume(runId, request);
  }

  /**
   * Submits a run to the configured queue and resolves with its id at once (record `queued`, event
   * `run.queued`). With the in-process `local` queue this runtime drives it; with `bullmq`, any
   * `agentry worker` does. Runs are durable unless the request says `durable: false`.
   */
  async enqueue(request: EnqueueRequest): Promise<{ runId: string }> {
    this.checkOpen();
    checkRunRequest(request);
    return this.queued.enqueue(request);
  }

  /** Puts a continuation of a run (with decisions) on the queue; some worker resumes it. */
  async enqueueResume(runId: string, request?: Pick<ResumeRequest, 'decisions'>): Promise<{ runId: string }> {
    this.checkOpen();
    checkResumeRequest(runId, request);
    return this.queued.enqueueResume(runId, request);
  }

  /** Starts a worker that takes jobs of the configured queue and drives their runs here. */
  async work(options: WorkOptions = {}): Promise<RunWorker> {
    this.checkOpen();
    return this.queued.work(options);
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

  async queueStatus(): Promise<QueueStatus> {
    return this.queued.status();
  }

  /** Stores input for a run that has not ended; it reaches the pattern before the run's next model call. */
  async send(runId: string, message: string): Promise<RunInputReceipt> {
    this.checkOpen();
    return sendInput(this.inboxHost(), runId, message);
  }

  /** Sends input into the active run of a session, if it has one (see `Runtime.steer`). */
  async steer(sessionId: string, message: string): Promise<RunInputReceipt | undefined> {
    this.checkOpen();
    return steerSession({ ...this.inboxHost(), active: this.active }, sessionId, message);
  }

  /** Cancels a run: here at once, in another process through its inbox (see `Runtime.cancel`). */
  cancel(runId: string, reason = 'Cancelled by runtime.cancel'): Promise<void> {
    return this.stop(runId, 'cancel', reason);
  }

  /** Interrupts a run: here at once, in another process through its inbox (see `Runtime.interrupt`). */
  interrupt(runId: string, reason = 'Interrupted by runtime.interrupt'): Promise<void> {
    return this.stop(runId, 'interrupt', reason);
  }

  private async stop(runId: string, kind: 'cancel' | 'interrupt', reason: string): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return void (await requestStop(this.inboxHost(), runId, kind, reason));
    entry[kind](reason);
    await entry.done;
  }

  private inboxHost(): SendHost {
    const { store, records, clock } = this.services;
    return { store, records, now: () => clock.now() };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.triggers.stop();
    await this.queued.close(options.mode);
    if (options.mode === 'interrupt') {
      for (const entry of this.active.all()) entry.interrupt('Interrupted: the runtime is closing');
    }
    await this.active.settled();
    await this.events.close?.();
    for (const closeable of this.setup.closeables ?? []) await closeable.close();
    await this.services.store.close();
  }

  /** A new run from a request (`run` and `stream`). */
  private async startRun(request: RunRequest, drive: RunDrive, runId?: string): Promise<RunResult> {
    this.checkOpen();
    return this.launcher.start(request, drive, runId ?? request.runId ?? this.services.ids.next('run'));
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
}
