import { z } from 'zod';
import type { EventBus } from '../contracts/event-bus.js';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { ResumeRequest, RunFilter, RunRecord, RunRequest, RunResult } from '../contracts/run.js';
import type { RunQueries, Runtime } from '../contracts/runtime.js';
import { PluginError, RunError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import { type ResolvedAgent, resolveAgent } from './agent-setup.js';
import { runWithAutomaticResume } from './auto-resume.js';
import { readCheckpointedEvents } from './checkpointer.js';
import type { RunEventListener } from './event-recorder.js';
import { freshSnapshot } from './fresh-snapshot.js';
import { MemoryRunPersistence } from './memory-run-persistence.js';
import { injectMemories } from './memory-steps.js';
import { RunContext, type RuntimeServices } from './run-context.js';
import type { RunPersistence } from './run-persistence.js';
import { RunRecords } from './run-records.js';
import { checkResumeRequest, checkRunRequest, unknownAgent } from './run-request.js';
import { applyDecisions, loadForResume } from './run-resume.js';
import { closeRunScope, openRunScope } from './run-scope.js';
import { executeSegment } from './run-segment.js';
import type { RunSnapshot } from './run-snapshot.js';
import { streamRun } from './run-stream.js';
import type { ActiveRun, DefaultRuntimeSetup, RuntimePluginDeps } from './runtime-setup.js';
import { loadTranscript } from './transcript.js';

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
  private readonly active = new Map<string, ActiveRun>();
  /** Run ids between `resume` being called and the run becoming active. */
  private readonly resuming = new Set<string>();
  private closed = false;

  constructor(private readonly setup: DefaultRuntimeSetup) {
    this.events = setup.events;
    const records = new RunRecords(setup.store, setup.redactor);
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

  run(request: RunRequest): Promise<RunResult> {
    return this.start(request, false, undefined);
  }

  stream(request: RunRequest): AsyncIterable<AnyAgentryEvent> {
    return streamRun((listener) => this.start(request, true, listener));
  }

  async resume(runId: string, request?: ResumeRequest): Promise<RunResult> {
    this.checkOpen();
    checkResumeRequest(runId, request);
    if (this.active.has(runId) || this.resuming.has(runId)) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is still running in this process`,
        hint: 'Wait for it to suspend or finish (or cancel it) before resuming.',
        context: { runId },
      });
    }
    this.resuming.add(runId);
    try {
      return await this.resumeReserved(runId, request);
    } finally {
      this.resuming.delete(runId);
    }
  }

  /** `resume` once the run id is reserved against a concurrent resume in this process. */
  private async resumeReserved(runId: string, request: ResumeRequest | undefined): Promise<RunResult> {
    const sources = this.durablePersistence
      ? [this.memoryPersistence, this.durablePersistence]
      : [this.memoryPersistence];
    const loaded = await loadForResume(runId, sources, this.services.records);
    const snapshot = loaded.snapshot;
    const agent = this.agentMap.get(snapshot.agentId);
    if (!agent) throw unknownAgent(snapshot.agentId, this.agents());
    if (agent.pattern.restore) snapshot.patternState = agent.pattern.restore(snapshot.patternState);
    const recovering = snapshot.status === 'running';
    applyDecisions(snapshot, agent, request);
    const run = this.context(
      snapshot,
      agent,
      loaded.persistence,
      false,
      undefined,
      request?.signal,
      loaded.createdAt,
    );
    run.recorder.emit('run.resumed', {
      attempt: snapshot.resumeAttempts + 1,
      fromStep: snapshot.step,
      reason: recovering ? 'recovery' : 'decision',
    });
    await this.services.records.started(snapshot, this.now(), loaded.createdAt);
    return await this.launch(run, snapshot.sessionId !== snapshot.runId);
  }

  async cancel(runId: string, reason = 'Cancelled by runtime.cancel'): Promise<void> {
    const entry = this.active.get(runId);
    if (!entry) return;
    entry.stop.abort();
    entry.run.abort.cancel(reason);
    await entry.done;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.active.values()].map((entry) => entry.done));
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
    if (this.active.has(runId) || (request.runId !== undefined && (await this.services.records.get(runId)))) {
      throw new RunError('run.request_invalid', {
        message: `A run with id "${runId}" already exists`,
        hint: 'Leave runId out to get a fresh id, or resume the existing run.',
        context: { runId },
      });
    }
    const snapshot = freshSnapshot(request, agent, runId, this.now());
    const durable = snapshot.durable && this.durablePersistence !== undefined;
    const persistence = durable ? (this.durablePersistence as RunPersistence) : this.memoryPersistence;
    const createdAt = snapshot.startedAt;
    const run = this.context(snapshot, agent, persistence, streaming, listener, request.signal, createdAt);
    run.recorder.emit('run.started', {
      input: snapshot.input,
      durable: snapshot.durable,
      ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
    });
    await this.services.records.started(snapshot, createdAt);
    const prepare = async (current: RunContext): Promise<void> => {
      if (agent.memories.length > 0) {
        await injectMemories(current, await loadTranscript(this.services.store, snapshot.sessionId));
      }
      if (current.durable) await current.save('run.started');
    };
    return this.launch(run, request.sessionId !== undefined, prepare);
  }

  private context(
    snapshot: RunSnapshot,
    agent: ResolvedAgent,
    persistence: RunPersistence,
    streaming: boolean,
    listener: RunEventListener | undefined,
    signal: AbortSignal | undefined,
    createdAt: string,
  ): RunContext {
    return new RunContext(
      snapshot,
      agent,
      this.services,
      persistence,
      persistence !== this.memoryPersistence,
      {
        streaming,
        createdAt,
        ...(listener ? { listener } : {}),
        ...(signal ? { signal } : {}),
      },
    );
  }

  /**
   * Executes the segment and tracks the run as active. Durable runs with a
   * checkpointer resume automatically after retryable failures.
   */
  private launch(
    run: RunContext,
    explicitSession: boolean,
    prepare?: (run: RunContext) => Promise<void>,
  ): Promise<RunResult> {
    const runId = run.snapshot.runId;
    const entry: ActiveRun = { run, stop: new AbortController() };
    const root = this.setup.container;
    const { snapshot } = run;
    const scope = root
      ? openRunScope(root, {
          runId,
          sessionId: snapshot.sessionId,
          agentId: snapshot.agentId,
          signal: run.abort.signal,
        })
      : undefined;
    this.active.set(runId, entry);
    const persistence = run.persistence;
    const done =
      run.durable && persistence !== this.memoryPersistence
        ? runWithAutomaticResume(run, persistence, {
            signal: entry.stop.signal,
            execute: (segment, first) =>
              executeSegment(segment, explicitSession, first ? prepare : undefined),
            nextSegment: async (snapshot) => {
              const next = this.context(
                snapshot,
                run.agent,
                persistence,
                run.options.streaming,
                run.options.listener,
                run.options.signal,
                run.options.createdAt,
              );
              entry.run = next;
              await this.services.records.started(snapshot, this.now(), run.options.createdAt);
              return next;
            },
          })
        : executeSegment(run, explicitSession, prepare);
    entry.done = done.finally(() => {
      this.active.delete(runId);
      return closeRunScope(scope);
    });
    return entry.done;
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
