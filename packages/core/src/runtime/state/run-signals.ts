/** Control-flow signals a run uses to stop early: suspension for a decision, and abort (cancel or timeout). */
import type { StopReason } from '../../contracts/run.js';

/**
 * Thrown by `PatternContext.callTools` when a call of the turn awaits a
 * decision (approval or unknown outcome). The runtime catches it and suspends
 * the run; patterns must let it propagate.
 */
export class RunSuspendedSignal extends Error {
  readonly stopReason: 'awaiting_approval' | 'outcome_unknown';

  constructor(stopReason: 'awaiting_approval' | 'outcome_unknown') {
    super(`Run suspended: ${stopReason}`);
    this.name = 'RunSuspendedSignal';
    this.stopReason = stopReason;
  }
}

/** True for a `RunSuspendedSignal`, also from another copy of core. */
export function isRunSuspendedSignal(value: unknown): value is RunSuspendedSignal {
  return value instanceof Error && value.name === 'RunSuspendedSignal' && 'stopReason' in value;
}

/** Why a run's signal aborted. */
export type AbortStopReason = Extract<StopReason, 'cancelled' | 'timeout' | 'interrupted'>;

/** Thrown when the run's signal aborts (cancel, interrupt or `maxDurationMs`); carries the stop reason. */
export class RunAbortedSignal extends Error {
  readonly stopReason: AbortStopReason;

  constructor(stopReason: AbortStopReason, message: string) {
    super(message);
    this.name = 'RunAbortedSignal';
    this.stopReason = stopReason;
  }
}

/** True for a `RunAbortedSignal`. */
export function isRunAbortedSignal(value: unknown): value is RunAbortedSignal {
  return value instanceof Error && value.name === 'RunAbortedSignal' && 'stopReason' in value;
}
