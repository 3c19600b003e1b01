/** Contract for the `runtime` plugin kind: the orchestrator that runs agents. */
import type { EventBus } from './event-bus.js';
import type { AnyAgentryEvent } from './events.js';
import type { ResumeRequest, RunFilter, RunRecord, RunRequest, RunResult } from './run.js';

/** Read access to stored runs. */
export interface RunQueries {
  list(filter?: RunFilter): Promise<RunRecord[]>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** Stored events of a run with `seq > afterSeq`, in order. */
  events(runId: string, options?: { afterSeq?: number }): Promise<AnyAgentryEvent[]>;
}

/**
 * Runs agents. Every method that starts or continues a run resolves with a
 * `RunResult` and does not throw for failures of the run itself (those are
 * `status: 'failed'` with an error); it throws `AgentryError` for bad
 * requests (unknown agent, unknown run, invalid decisions).
 */
export interface Runtime {
  readonly kind: 'runtime';
  readonly specVersion: 1;
  /** The runtime's event bus; subscribe with `runtime.events.on(type, handler)`. */
  readonly events: EventBus;
  readonly runs: RunQueries;
  run(request: RunRequest): Promise<RunResult>;
  /** Continues a suspended, failed-retryable or orphaned run, from any process sharing the store. */
  resume(runId: string, request?: ResumeRequest): Promise<RunResult>;
  /** Runs like `run` and yields every event of the run, model deltas included, ending with the final one. */
  stream(request: RunRequest): AsyncIterable<AnyAgentryEvent>;
  /** Cancels an active run of this process; resolves when it has stopped. */
  cancel(runId: string, reason?: string): Promise<void>;
  /** Names of the configured agents. */
  agents(): string[];
  /** Stops accepting runs, waits for active ones, closes plugins and the store. */
  close(): Promise<void>;
}

export function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'runtime';
}
