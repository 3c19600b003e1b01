import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { EventBus } from '../contracts/event-bus.js';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { ResumeRequest, RunFilter, RunRecord, RunRequest, RunResult } from '../contracts/run.js';
import type { ChildRunner, RunQueries, Runtime } from '../contracts/runtime.js';
import { PluginError, RunError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import { type ActiveRun, ActiveRuns } from './active-runs.js';
import { type ResolvedAgent, resolveAgent } from './agent/agent-setup.js';
import { runWithAutomaticResume } from './durability/auto-resume.js';
import { readCheckpointedEvents } from './durability/checkpointer.js';
import { MemoryRunPersistence } from './durability/memory-run-persistence.js';
import { OwnedPersistence } from './durability/owned-persistence.js';
import { DEFAULT_RUN_LEASE_TTL_MS, RunOwner, type RunOwnership } from './durability/run-lease.js';
import type { RunPersistence } from './durability/run-persistence.js';
import type { RunEventListener } from './records/event-recorder.js';
import { RunRecords } from './records/run-records.js';
import { loadTranscript } from './records/transcript.js';
import { freshSnapshot } from './run/fresh-snapshot.js';
import { injectMemories } from './run/memory-steps.js';
import { RunContext, type RuntimeServices } from './run/run-context.js';
import { executeSegment } from './run/run-segment.js';
import type { RunSnapshot } from './run/run-snapshot.js';
import { checkResumeRequest, checkRunRequest, unknownAgent } from './run-request.js';
import { applyDecisions, loadForResume, type RestartRun, resumeReason } from './run-resume.js';
import { streamRun } from './run-stream.js';
import type { DefaultRuntimeSetup, RuntimePluginDeps } from './runtime-setup.js';
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
    const records = new RunRecords(setup.store, setup.redactor, (runId) => this.owner?.fenceOf(runId));
    this.services = {
      store: setup.store,
      bus: setup.events,
      logger: setup.logger ?? silentLogger,
      clock: setup.clock ?? new SystemClock(),
      ids: setup.ids ?? new RandomIdFactory(),
      redactor: setup.redactor,
      records,
    };
    this.agentMap = new Map(
      Object.entries(setup.agents).map(([id, definition]) => [id, resolveAgent(id, definition, setup.hooks)]),
    );
    this.durablePersistence = setup.durablePersistence;
    this.leaseTtlMs = setup.runLeaseTtlMs ?? DEFAULT_RUN_LEASE_TTL_MS;
    this.owner = setup.durablePersistence
      ? new RunOwner({
          store: setup.store,
          owner: setup.owner ?? defaultOwnerName(),
          ttlMs: this.leaseTtlMs,
        })
      : undefined;
    const store = setup.store;
    this.runs = {
      list: (filter?: RunFilter): Promise<RunRecord[]> => records.list(filter),
      get: (runId: string): Promise<RunRecord | undefined> => records.get(runId),
      events: (runId: string, options?: { afterSeq?: number }): Promise<AnyAgentryEvent[]> =>
        readCheckpointedEvents(store, runId, options?.afterSeq ?? 0),
    };
  }

  agents(): string[] {
    return [...this.agentMap.keys()];
  }

  /**
   * Runs an agent to its end (completed, suspended, failed or cancelled).
   * The run is registered before this returns its promise, so
   * `runtime.cancel(runId)` in the same tick cancels it: pass your own
   * `runId` in the request when you may need to cancel early.
   */
  run(request: RunRequest): Promise<RunResult> {
    return this.start(request, false, undefined);
  }

  stream(request: RunRequest): AsyncIterable<AnyAgentryEvent> {
    return streamRun((listener) => this.start(request, true, listener));
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
      if (loaded.kind === 'restart') return await this.restart(entry, loaded, request?.signal, ownership);
      const snapshot = loaded.snapshot;
      const agent = this.agentMap.get(snapshot.agentId);
      if (!agent) throw unknownAgent(snapshot.agentId, this.agents());
      if (agent.pattern.restore) snapshot.patternState = agent.pattern.restore(snapshot.patternState);
      const reason = resumeReason(loaded.from, request);
      applyDecisions(snapshot, agent, request);
      // An explicit resume of a failed run gives automatic resume its attempts again.
      if (loaded.from === 'failed') snapshot.resumeAttempts = 0;
      snapshot.resumes = (snapshot.resumes ?? 0) + 1;
      const persistence = ownership
        ? new OwnedPersistence(loaded.persistence, ownership)
        : loaded.persistence;
      entry.callerSignal = request?.signal;
      const options = { streaming: false, signal: request?.signal, createdAt: loaded.createdAt };
      const run = entry.attach(this.context(snapshot, agent, persistence, options, ownership));
      run.recorder.emit('run.resumed', { attempt: snapshot.resumes, fromStep: snapshot.step, reason });
      await this.services.records.started(snapshot, this.now(), loaded.createdAt);
      return await this.launch(entry, run, snapshot.sessionId !== snapshot.runId);
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

  private async start(
    request: RunRequest,
    streaming: boolean,
    listener?: RunEventListener,
  ): Promise<RunResult> {
    this.checkOpen();
    checkRunRequest(request);
    const agent = this.agentMap.get(request.agent);
    if (!agent) throw unknownAgent(request.agent, this.agents());
    const runId = request.runId ?? this.services.ids.next('run');
    if (this.active.has(runId)) throw runExists(runId);
    // Registered before the first await: `cancel(runId)` in the caller's tick finds it.
    const entry = this.active.register(runId);
    let ownership: RunOwnership | undefined;
    try {
      if (request.runId !== undefined && (await this.services.records.get(runId))) throw runExists(runId);
      const snapshot = freshSnapshot(request, agent, runId, this.now());
      const durable = snapshot.durable ? this.durablePersistence : undefined;
      if (durable && this.owner) ownership = await this.owner.acquire(runId);
      const persistence = !durable
        ? this.memoryPersistence
        : ownership
          ? new OwnedPersistence(durable, ownership)
          : durable;
      const createdAt = snapshot.startedAt;
      entry.callerSignal = request.signal;
      const options = {
        streaming,
        signal: request.signal,
        createdAt,
        ...(listener ? { listener } : {}),
      };
      const run = entry.attach(this.context(snapshot, agent, persistence, options, ownership));
      return await this.begin(entry, run, request.sessionId !== undefined, createdAt, false);
    } finally {
      await ownership?.release();
      this.active.end(entry);
    }
  }

  /** A durable run whose process stopped before its first checkpoint: start it again from its input. */
  private async restart(
    entry: ActiveRun,
    loaded: RestartRun,
    signal: AbortSignal | undefined,
    ownership: RunOwnership | undefined,
  ): Promise<RunResult> {
    const record = loaded.record;
    const agent = this.agentMap.get(record.agentId);
    if (!agent) throw unknownAgent(record.agentId, this.agents());
    const limits = await this.services.records.requestLimits(record.runId);
    const request: RunRequest = {
      agent: record.agentId,
      input: record.input,
      durable: true,
      ...(record.sessionId === record.runId ? {} : { sessionId: record.sessionId }),
      ...(record.parentRunId === undefined ? {} : { parentRunId: record.parentRunId }),
      ...limits,
    };
    const snapshot = freshSnapshot(request, agent, record.runId, record.createdAt);
    snapshot.resumes = 1;
    const persistence = ownership ? new OwnedPersistence(loaded.persistence, ownership) : loaded.persistence;
    entry.callerSignal = signal;
    const options = { streaming: false, signal, createdAt: record.createdAt };
    const run = entry.attach(this.context(snapshot, agent, persistence, options, ownership));
    return this.begin(entry, run, request.sessionId !== undefined, record.createdAt, true);
  }

  /** The fresh path: `run.started`, the running record, memory inject and the first checkpoint, then the loop. */
  private async begin(
    entry: ActiveRun,
    run: RunContext,
    explicitSession: boolean,
    createdAt: string,
    recovery: boolean,
  ): Promise<RunResult> {
    const { snapshot, agent } = run;
    run.recorder.emit('run.started', {
      input: snapshot.input,
      durable: snapshot.durable,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
    });
    if (recovery) run.recorder.emit('run.resumed', { attempt: 1, fromStep: 0, reason: 'recovery' });
    await this.services.records.started(snapshot, recovery ? this.now() : createdAt, createdAt);
    const prepare = async (current: RunContext): Promise<void> => {
      if (agent.memories.length > 0) {
        await injectMemories(current, await loadTranscript(this.services.store, snapshot.sessionId));
      }
      if (current.durable) await current.save('run.started');
    };
    return this.launch(entry, run, explicitSession, prepare);
  }

  private context(
    snapshot: RunSnapshot,
    agent: ResolvedAgent,
    persistence: RunPersistence,
    options: {
      streaming: boolean;
      signal: AbortSignal | undefined;
      createdAt: string;
      listener?: RunEventListener;
    },
    ownership: RunOwnership | undefined,
  ): RunContext {
    const signal = ownership ? ownership.follow(options.signal) : options.signal;
    return new RunContext(
      snapshot,
      agent,
      this.services,
      persistence,
      persistence !== this.memoryPersistence,
      {
        streaming: options.streaming,
        createdAt: options.createdAt,
        ...(options.listener ? { listener: options.listener } : {}),
        ...(signal ? { signal } : {}),
      },
    );
  }

  /**
   * Executes the segment. Durable runs with a checkpointer resume
   * automatically after retryable failures, under the same run lease.
   */
  private launch(
    entry: ActiveRun,
    run: RunContext,
    explicitSession: boolean,
    prepare?: (run: RunContext) => Promise<void>,
  ): Promise<RunResult> {
    const persistence = run.persistence;
    if (!run.durable || persistence === this.memoryPersistence) {
      return executeSegment(run, explicitSession, prepare);
    }
    return runWithAutomaticResume(run, persistence, {
      signal: entry.stop.signal,
      execute: (segment, first) => executeSegment(segment, explicitSession, first ? prepare : undefined),
      nextSegment: async (next) => {
        const ownership = persistence instanceof OwnedPersistence ? persistence.ownership : undefined;
        const options = {
          streaming: run.options.streaming,
          signal: entry.callerSignal,
          createdAt: run.options.createdAt,
          ...(run.options.listener ? { listener: run.options.listener } : {}),
        };
        const segment = entry.attach(this.context(next, run.agent, persistence, options, ownership));
        await this.services.records.started(next, this.now(), run.options.createdAt);
        return segment;
      },
    });
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

function runExists(runId: string): RunError {
  return new RunError('run.request_invalid', {
    message: `A run with id "${runId}" already exists`,
    hint: 'Leave runId out to get a fresh id, or resume the existing run.',
    context: { runId },
  });
}

/** A run-lease owner name unique to this runtime instance. */
function defaultOwnerName(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}
