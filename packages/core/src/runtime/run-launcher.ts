/**
 * The three ways a run gets going in this process: from a request (`run`, `stream`, a queued job),
 * from its input again (a durable run stopped before its first checkpoint), and from its last
 * checkpoint (`resume`). Each takes the run lease when durable, opens the first segment and drives it.
 */
import type { ResumeRequest, RunRecord, RunRequest, RunResult } from '../contracts/run.js';
import { RunError } from '../errors/agentry-error.js';
import type { ActiveRun, ActiveRuns } from './active-runs.js';
import type { ResolvedAgent } from './agent/agent-setup.js';
import { admitRun } from './agent/run-hooks.js';
import type { MemoryRunPersistence } from './durability/memory-run-persistence.js';
import type { RunOwner, RunOwnership } from './durability/run-lease.js';
import { settleEndedRun } from './durability/settle-ended.js';
import { inboxJustOpened } from './inbox/inbox-delivery.js';
import { type RunEventListener, timeText } from './records/event-recorder.js';
import type { RunRequestLimits } from './records/run-records.js';
import { loadTranscript } from './records/transcript.js';
import { injectMemories } from './run/memory-steps.js';
import { afterRun, rejectRun } from './run/run-rejection.js';
import {
  actOnHolder,
  applySessionPolicy,
  normalisePolicy,
  type SessionPolicyHost,
  sessionPolicyOf,
  steeredRejection,
} from './run/session-policy.js';
import { checkRunRequest, runExists } from './run-request.js';
import {
  applyDecisions,
  type LoadedRun,
  loadForResume,
  type RestartRun,
  restartRequest,
  resumeReason,
} from './run-resume.js';
import { driveSegments, emitRunStarted, openSegment, type SegmentPlan, workerField } from './run-segments.js';
import { freshSnapshot } from './state/fresh-snapshot.js';
import type { RunContext, RuntimeServices } from './state/run-context.js';
import type { RunPersistence } from './state/run-persistence.js';

/** How a new run reports: streamed runs hand their events to `listener` as well. */
export interface RunDrive {
  streaming: boolean;
  listener?: RunEventListener;
}

/** What the launcher uses of its runtime. */
export interface LauncherHost {
  readonly services: RuntimeServices;
  readonly active: ActiveRuns;
  readonly memoryPersistence: MemoryRunPersistence;
  /** Store-backed persistence of durable runs; without it durable runs stay in this process. */
  readonly durablePersistence: RunPersistence | undefined;
  /** Takes run leases (only with store-backed persistence). */
  readonly owner: RunOwner | undefined;
  readonly leaseTtlMs: number;
  agentFor(agentId: string): ResolvedAgent;
}

export class RunLauncher {
  constructor(private readonly host: LauncherHost) {}

  /** A new run from a request: checks it, runs the `beforeRun` hooks, takes the run lease when durable, runs it. */
  async start(request: RunRequest, drive: RunDrive, runId: string, queued?: RunRecord): Promise<RunResult> {
    const { services, active, owner } = this.host;
    checkRunRequest(request);
    const agent = this.host.agentFor(request.agent);
    if (active.has(runId)) throw runExists(runId);
    // Registered before the first await: `cancel(runId)` in the caller's tick finds it.
    const entry = active.register(runId);
    entry.callerSignal = request.signal;
    let ownership: RunOwnership | undefined;
    try {
      if (!queued && request.runId !== undefined && (await services.records.get(runId))) {
        throw runExists(runId);
      }
      // `steer`: the input went into the session's active run, whose result this is (no new run).
      const steered =
        queued || !waitsForSession(request, agent)
          ? undefined
          : await this.sessionPolicy(request, agent, entry);
      if (steered) return steered;
      // Without a deadline or `beforeRun` hooks the request is admitted as it is (no await).
      const admission =
        request.deadline === undefined && agent.runHooks.beforeRun.length === 0
          ? { request }
          : await admitRun(request, runId, agent.runHooks.beforeRun, agent.budget, () =>
              services.clock.now(),
            );
      if ('rejected' in admission) {
        return await rejectRun(services, { request, agent, runId, queued, ...drive }, admission.rejected);
      }
      request = admission.request;
      const snapshot = freshSnapshot(request, agent, runId, this.now());
      const durable = snapshot.durable ? this.host.durablePersistence : undefined;
      if (durable && owner) ownership = await owner.acquire(runId);
      // A job delivered twice: only the first taker (now holding the lease) finds the run still queued.
      if (queued && (await services.records.get(runId))?.status !== 'queued') throw alreadyTaken(runId);
      // A queued run's policy acts once its taker holds it; a steered one ends here (no waiting).
      const receipt = queued ? await this.queuedPolicy(request, entry) : undefined;
      if (receipt && request.sessionId !== undefined) {
        const rejection = steeredRejection(request.sessionId, receipt);
        return await rejectRun(services, { request, agent, runId, queued, ...drive }, rejection);
      }
      const persistence = durable ?? this.host.memoryPersistence;
      const createdAt = queued?.createdAt ?? snapshot.startedAt;
      const plan = { ...drive, snapshot, agent, ownership, persistence, createdAt };
      const explicitSession = request.sessionId !== undefined;
      const result = await this.fromInput(entry, plan, explicitSession, queued ? 'queued' : 'fresh');
      if (agent.runHooks.afterRun.length > 0) await afterRun(services, agent, request, result);
      return result;
    } finally {
      if (ownership) await ownership.release();
      active.end(entry);
    }
  }

  /**
   * Applies the request's session policy when its session has an active run (see `session-policy.ts`);
   * called only when `waitsForSession`.
   */
  private async sessionPolicy(request: RunRequest, agent: ResolvedAgent, entry: ActiveRun) {
    const policy = sessionPolicyOf(request, agent);
    if (request.signal === undefined) {
      const waiting = { ...request, signal: entry.stopSignal };
      return applySessionPolicy(this.policyHost(), waiting, policy, entry.runId);
    }
    const linked = linkedSignal([entry.stopSignal, request.signal]);
    try {
      const waiting = { ...request, signal: linked.signal };
      return await applySessionPolicy(this.policyHost(), waiting, policy, entry.runId);
    } finally {
      linked.dispose();
    }
  }

  /**
   * The policy a queued run was submitted with (`enqueue` when none: a queued run waits for its session,
   * whatever its agent's `session.onBusy`): `steer` gives the receipt of the input it sent.
   */
  private queuedPolicy(request: RunRequest, entry: ActiveRun) {
    const policy = normalisePolicy(request.sessionPolicy);
    return actOnHolder(this.policyHost(), request, policy, entry.runId);
  }

  private policyHost(): SessionPolicyHost {
    const { services, active } = this.host;
    return { store: services.store, records: services.records, now: () => services.clock.now(), active };
  }

  /** Starts a run that a queue job names, under the request limits stored with its `queued` record. */
  async startQueued(record: RunRecord, limits: RunRequestLimits): Promise<RunResult> {
    const request: RunRequest = {
      agent: record.agentId,
      input: record.input,
      runId: record.runId,
      durable: record.durable,
      ...(record.sessionId === record.runId ? {} : { sessionId: record.sessionId }),
      ...(record.parentRunId === undefined ? {} : { parentRunId: record.parentRunId }),
      ...limits,
    };
    return this.start(request, { streaming: false }, record.runId, record);
  }

  /** `resume` in this process (never through the queue): from the last checkpoint, or from the input again. */
  async resume(runId: string, request?: ResumeRequest): Promise<RunResult> {
    const { services, active, owner, memoryPersistence, durablePersistence } = this.host;
    if (active.has(runId)) {
      throw new RunError('run.not_resumable', {
        message: `Run ${runId} is still running in this process`,
        hint: 'Wait for it to suspend or finish (or cancel it) before resuming.',
        context: { runId },
      });
    }
    const entry = active.register(runId);
    entry.callerSignal = request?.signal;
    let ownership: RunOwnership | undefined;
    try {
      const local = await memoryPersistence.load(runId);
      const durable = local ? undefined : durablePersistence;
      if (durable && owner) {
        ownership = await owner.acquire(runId, {
          waitMs: 2 * this.host.leaseTtlMs,
          signal: entry.stopSignal,
        });
      }
      const sources = durable ? [durable] : [memoryPersistence];
      const decided = Object.keys(request?.decisions ?? {}).length > 0;
      const loaded = await loadForResume(runId, sources, services.records, durablePersistence, decided);
      if (loaded.kind === 'ended') {
        return await settleEndedRun(
          services.store,
          services.records,
          loaded,
          this.now(),
          ownership?.lease.owner,
        );
      }
      if (loaded.kind === 'restart') return await this.restart(entry, loaded, ownership);
      return await this.fromCheckpoint(entry, loaded, request, ownership);
    } finally {
      await ownership?.release();
      active.end(entry);
    }
  }

  /** A durable run whose process stopped before its first checkpoint: start it again from its input. */
  private async restart(entry: ActiveRun, loaded: RestartRun, ownership?: RunOwnership): Promise<RunResult> {
    const { record, persistence } = loaded;
    const agent = this.host.agentFor(record.agentId);
    const request = restartRequest(record, await this.host.services.records.requestLimits(record.runId));
    const snapshot = freshSnapshot(request, agent, record.runId, record.createdAt);
    snapshot.resumes = 1;
    const plan = { snapshot, agent, ownership, persistence, streaming: false, createdAt: record.createdAt };
    const result = await this.fromInput(entry, plan, request.sessionId !== undefined, 'restart');
    await afterRun(this.host.services, agent, request, result);
    return result;
  }

  /**
   * The path of a run that starts from its input: `run.started` (and `run.resumed` for a restart), the
   * running record, memory injected, then its segments. A durable run's first checkpoint is the one after
   * its first model response (or whatever ends the run first): a crash before it restarts the run from
   * its input, which is where that checkpoint would have resumed it.
   */
  private async fromInput(
    entry: ActiveRun,
    plan: SegmentPlan,
    explicitSession: boolean,
    from: 'fresh' | 'queued' | 'restart',
  ): Promise<RunResult> {
    const services = this.host.services;
    const run = openSegment(entry, plan, services);
    run.startsWithoutCheckpoint();
    if (from === 'fresh') inboxJustOpened(run);
    const { snapshot, agent } = run;
    emitRunStarted(run);
    if (from === 'restart') {
      run.recorder.emit('run.resumed', { attempt: 1, fromStep: 0, reason: 'recovery', ...workerField(run) });
    }
    const startedAt = from === 'fresh' ? plan.createdAt : this.now();
    await services.records.started(snapshot, startedAt, plan.createdAt, run.options.worker);
    // Nothing to prepare for a run without memory: no step (and no await) before its loop.
    const prepare =
      agent.memories.length === 0
        ? undefined
        : async (current: RunContext): Promise<void> => {
            await injectMemories(current, await loadTranscript(services.store, snapshot.sessionId));
          };
    return driveSegments(run, { entry, plan, services, explicitSession, ...(prepare ? { prepare } : {}) });
  }

  /** The path of a resume: the loaded snapshot with the decisions applied, `run.resumed`, then its segments. */
  private async fromCheckpoint(
    entry: ActiveRun,
    loaded: LoadedRun,
    request: ResumeRequest | undefined,
    ownership: RunOwnership | undefined,
  ): Promise<RunResult> {
    const services = this.host.services;
    const snapshot = loaded.snapshot;
    const agent = this.host.agentFor(snapshot.agentId);
    if (agent.pattern.restore) snapshot.patternState = agent.pattern.restore(snapshot.patternState);
    const reason = resumeReason(loaded.from, request);
    applyDecisions(snapshot, agent, request);
    // An explicit resume of a failed run gives automatic resume its attempts again.
    if (loaded.from === 'failed') snapshot.resumeAttempts = 0;
    snapshot.resumes = (snapshot.resumes ?? 0) + 1;
    const { persistence, createdAt } = loaded;
    const plan = { snapshot, agent, ownership, persistence, streaming: false, createdAt };
    const run = openSegment(entry, plan, services);
    const worker = workerField(run);
    run.recorder.emit('run.resumed', {
      attempt: snapshot.resumes,
      fromStep: snapshot.step,
      reason,
      ...worker,
    });
    await services.records.started(snapshot, this.now(), createdAt, run.options.worker);
    const explicitSession = snapshot.sessionId !== snapshot.runId;
    const result = await driveSegments(run, { entry, plan, services, explicitSession });
    if (agent.runHooks.afterRun.length > 0) {
      const request = restartRequest(snapshot, await services.records.requestLimits(snapshot.runId));
      const metadata = snapshot.metadata ?? request.metadata;
      await afterRun(services, agent, { ...request, durable: snapshot.durable, metadata }, result);
    }
    return result;
  }

  private now(): string {
    return timeText(this.host.services.clock.now());
  }
}

/**
 * True when the request's session policy may act before the run starts: only `steer` and `interrupt`, and
 * only in a session. Other runs skip it (and the wait signal it needs, an AbortSignal per run).
 */
function waitsForSession(request: RunRequest, agent: ResolvedAgent): boolean {
  if (request.sessionId === undefined) return false;
  const policy = sessionPolicyOf(request, agent);
  return policy === 'steer' || policy === 'interrupt';
}

function alreadyTaken(runId: string): RunError {
  return new RunError('run.not_resumable', {
    message: `Run ${runId} is no longer queued: another worker took it`,
    hint: 'Nothing to do: the run is driven elsewhere.',
    context: { runId },
  });
}

/**
 * A signal that aborts when any of `signals` does (with its reason), listened to directly and detached by
 * `dispose`: `AbortSignal.any` keeps a reference per combined signal on each source in Node 20, which on a
 * long-lived caller signal (a server's shutdown signal passed to every run) grows with every run.
 */
export function linkedSignal(signals: readonly AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  const already = signals.find((signal) => signal.aborted);
  if (already) controller.abort(already.reason);
  else for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
    },
  };
}
