/** Opening and driving the segments of a run: one function opens a segment, one drives them to the result. */
import type { RunResult } from '../contracts/run.js';
import type { ActiveRun } from './active-runs.js';
import type { ResolvedAgent } from './agent/agent-setup.js';
import { runWithAutomaticResume } from './durability/auto-resume.js';
import { OwnedPersistence } from './durability/owned-persistence.js';
import type { RunOwnership } from './durability/run-lease.js';
import type { RunEventListener } from './records/event-recorder.js';
import { executeSegment } from './run/run-segment.js';
import type { RunSnapshot } from './snapshot/run-snapshot.js';
import { RunContext, type RuntimeServices } from './state/run-context.js';
import type { RunPersistence } from './state/run-persistence.js';

/** What one segment of a run is opened from (`persistence` unfenced: the run lease is applied on opening). */
export interface SegmentPlan {
  readonly snapshot: RunSnapshot;
  readonly agent: ResolvedAgent;
  readonly persistence: RunPersistence;
  readonly ownership: RunOwnership | undefined;
  readonly streaming: boolean;
  readonly listener?: RunEventListener;
  /** When the run record was first written (kept across resumes). */
  readonly createdAt: string;
}

/** How the segments of one run are executed. */
export interface SegmentDrive {
  readonly entry: ActiveRun;
  readonly plan: SegmentPlan;
  readonly services: RuntimeServices;
  /** True when the caller named the session (its lease is then waited for, not created). */
  readonly explicitSession: boolean;
  /** Runs before the first segment's loop (memory injection). */
  readonly prepare?: (run: RunContext) => Promise<void>;
}

/**
 * Opens one segment of a run: its persistence fenced by the run lease (when held), the caller's signal
 * and the lease's (both abort the run), and the context made the run's current segment (a cancel that came
 * earlier applies to it at once).
 */
export function openSegment(entry: ActiveRun, plan: SegmentPlan, services: RuntimeServices): RunContext {
  const { ownership, listener } = plan;
  const caller = entry.callerSignal;
  const persistence = ownership
    ? new OwnedPersistence(plan.persistence, ownership, services.logger)
    : plan.persistence;
  const options = {
    streaming: plan.streaming,
    createdAt: plan.createdAt,
    ...(listener ? { listener } : {}),
    ...(caller ? { signal: caller } : {}),
    ...(ownership ? { leaseSignal: ownership.signal, worker: ownership.lease.owner } : {}),
  };
  return entry.attach(
    new RunContext({ snapshot: plan.snapshot, agent: plan.agent, services, persistence, options }),
  );
}

/**
 * Executes the run's first segment. A durable run with a store-backed checkpointer resumes
 * automatically after retryable failures, under the same run lease: each later segment is opened
 * from the reloaded checkpoint and its run record marked running again.
 */
export function driveSegments(first: RunContext, drive: SegmentDrive): Promise<RunResult> {
  const { entry, plan, services, explicitSession, prepare } = drive;
  if (!first.durable || !plan.persistence.durable) return executeSegment(first, explicitSession, prepare);
  return runWithAutomaticResume(first, first.persistence, {
    signal: entry.stopSignal,
    execute: (segment, startsRun) =>
      executeSegment(segment, explicitSession, startsRun ? prepare : undefined),
    nextSegment: async (snapshot) => {
      const segment = openSegment(entry, { ...plan, snapshot }, services);
      const now = new Date(services.clock.now()).toISOString();
      await services.records.started(snapshot, now, plan.createdAt, segment.options.worker);
      return segment;
    },
    restartSegment: async (snapshot) => {
      const segment = openSegment(entry, { ...plan, snapshot }, services);
      segment.startsWithoutCheckpoint();
      emitRunStarted(segment);
      const now = new Date(services.clock.now()).toISOString();
      await services.records.started(snapshot, now, plan.createdAt, segment.options.worker);
      return segment;
    },
  });
}

/** `run.started` of a segment that starts the run from its input. */
export function emitRunStarted(run: RunContext): void {
  const { snapshot } = run;
  run.recorder.emit('run.started', {
    input: snapshot.input,
    durable: snapshot.durable,
    ...(snapshot.parentRunId === undefined ? {} : { parentRunId: snapshot.parentRunId }),
    ...workerField(run),
  });
}

/** `{ worker }` for events of a segment driven under a run lease (so a cluster shows who drove it). */
export function workerField(run: RunContext): { worker?: string } {
  return run.options.worker === undefined ? {} : { worker: run.options.worker };
}
