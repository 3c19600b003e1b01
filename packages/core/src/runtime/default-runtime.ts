import { z } from 'zod';
import type { EventBus } from '../contracts/event-bus.js';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { ResumeRequest, RunRequest, RunResult } from '../contracts/run.js';
import type { AgentDescription, ChildRunner, RunQueries, Runtime } from '../contracts/runtime.js';
import { PluginError, RunError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { type ActiveRun, ActiveRuns } from './active-runs.js';
import { describeResolvedAgent, type ResolvedAgent, resolveAgent } from './agent/agent-setup.js';
import { MemoryRunPersistence } from './durability/memory-run-persistence.js';
import { DEFAULT_RUN_LEASE_TTL_MS, RunOwner, type RunOwnership } from './durability/run-lease.js';
import type { RunPersistence } from './durability/run-persistence.js';
import type { RunEventListener } from './records/event-recorder.js';
import { loadTranscript } from './records/transcript.js';
import { freshSnapshot } from './run/fresh-snapshot.js';
import { injectMemories } from './run/memory-steps.js';
import type { RunContext, RuntimeServices } from './run/run-context.js';
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
import { RuntimeChildRunner } from './tools/child-runs.js';

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
      Object.entries(setup.agents).map(([id, definition]) => [id, resolveAgent(id, definition, setup.hooks)]),
    );
    this.durablePersistence = setup.durablePersistence;
    this.leaseTtlMs = setup.runLeaseTtlMs ?? DEFAULT_RUN_LEASE_TTL_MS;
    const owner = setup.owner ?? defaultOwnerName();
    const lease = { store: setup.store, owner, ttlMs: this.leaseTtlMs };
    this.owner = setup.durablePersistence ? new RunOwner(lease) : undefined;
    this.runs = runQueries(this.services);
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
   * Runs an agent to its end (completed, suspended, failed or cancelled).
   * The run is registered before this returns its promise, so
   * `runtime.cancel(runId)` in the same tick cancels it: pass your own
   * `runId` in the request when you may need to cancel early.
   */
  run(request: RunRequest): Promise<RunResult> {
    return this.startRun(request, { streaming: false });
  }

  stream(request: RunRequest): AsyncIterable<AnyAgentryEvent> {
    return streamRun((listener) => this.startRun(request, { streaming: true, listener }));
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.active.settled();
    await this.events.close?.();
    for (const closeable of this.setup.closeables ?? []) await closeable.close();
    await this.services.store.close();
  }

  /** A new run from a request (`run` and `stream`): checks it, takes the run lease when durable, runs it. */
  private async startRun(
    request: RunRequest,
    drive: { streaming: boolean; listener?: RunEventListener },
  ): Promise<RunResult> {
    this.checkOpen();
    checkRunRequest(request);
    const agent = this.agentFor(request.agent);
    const runId = request.runId ?? this.services.ids.next('run');
    if (this.active.has(runId)) throw runExists(runId);
    // Registered before the first await: `cancel(runId)` in the caller's tick finds it.
    const entry = this.active.register(runId);
    entry.callerSignal = request.signal;
    let ownership: RunOwnership | undefined;
    try {
      if (request.runId !== undefined && (await this.services.records.get(runId))) throw runExists(runId);
      const snapshot = freshSnapshot(request, agent, runId, this.now());
      const durable = snapshot.durable ? this.durablePersistence : undefined;
      if (durable && this.owner) ownership = await this.owner.acquire(runId);
      const persistence = durable ?? this.memoryPersistence;
      const plan = { ...drive, snapshot, agent, ownership, persistence, createdAt: snapshot.startedAt };
      return await this.runFromInput(entry, plan, request.sessionId !== undefined, false);
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
    return this.runFromInput(entry, plan, request.sessionId !== undefined, true);
  }

  /**
   * The path of a run that starts from its input: `run.started` (and `run.resumed` for a restart), the
   * running record, memory injected and the first checkpoint, then its segments.
   */
  private async runFromInput(
    entry: ActiveRun,
    plan: SegmentPlan,
    explicitSession: boolean,
    restart: boolean,
  ): Promise<RunResult> {
    const run = openSegment(entry, plan, this.services);
    const { snapshot, agent } = run;
    run.recorder.emit('run.started', {
      input: snapshot.input,
      durable: snapshot.durable,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
    });
    if (restart) run.recorder.emit('run.resumed', { attempt: 1, fromStep: 0, reason: 'recovery' });
    await this.services.records.started(snapshot, restart ? this.now() : plan.createdAt, plan.createdAt);
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
    run.recorder.emit('run.resumed', { attempt: snapshot.resumes, fromStep: snapshot.step, reason });
    await this.services.records.started(snapshot, this.now(), createdAt);
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
