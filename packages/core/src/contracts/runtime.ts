/** Contract for the `runtime` plugin kind: the orchestrator that runs agents. */
import type { EventBus } from './event-bus.js';
import type { AnyAgentryEvent } from './events.js';
import type { JsonObject } from './json.js';
import type {
  ApprovalPolicy,
  Budget,
  ResumeRequest,
  RunFilter,
  RunRecord,
  RunRequest,
  RunResult,
} from './run.js';
import type { ToolContext } from './tool.js';

/** Read access to stored runs. */
export interface RunQueries {
  list(filter?: RunFilter): Promise<RunRecord[]>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** Stored events of a run with `seq > afterSeq`, in order. */
  events(runId: string, options?: { afterSeq?: number }): Promise<AnyAgentryEvent[]>;
}

/** One tool of a configured agent, as callers outside the runtime (an API, a console) see it. */
export interface ToolDescription {
  name: string;
  description: string;
  /** JSON Schema of the tool's input: what an edited input of an approval must satisfy. */
  inputSchema: JsonObject;
  sideEffects: 'none' | 'idempotent' | 'unsafe';
  /** The tool's own approval rule: `rule` when it decides per input (a function). */
  approval: 'always' | 'never' | 'rule';
}

/** A configured agent: what it is and what it may call (no secrets: models are named, not described). */
export interface AgentDescription {
  id: string;
  description?: string;
  durable: boolean;
  budget: Budget;
  /** The agent's approval policy, over the tools' own rules. */
  approvals?: ApprovalPolicy;
  tools: ToolDescription[];
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
  /** A configured agent and its tools; `undefined` for an unknown name. Optional for other runtimes. */
  describeAgent?(agentId: string): AgentDescription | undefined;
  /** Stops accepting runs, waits for active ones, closes plugins and the store. */
  close(): Promise<void>;
}

export function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'runtime';
}

/** What a tool asks a `ChildRunner` for: another configured agent, a task, and optional limits. */
export interface ChildRunRequest {
  /** The configured agent that runs the task. */
  agent: string;
  /** The task, as the child's user message. */
  input: string;
  /** Limits of the child; each is capped by what the parent run has left. */
  budget?: Budget;
}

/**
 * Runs another agent as a child of the run that is executing a tool call
 * (`PluginDeps.childRuns()`). The child's run id is derived from
 * `context.callId`, so a call executed again after a resume finds the same
 * child; its record carries `parentRunId`; its budget is carved out of the
 * parent's remaining budget and its usage is added to the parent's; it is
 * cancelled with `context.signal`. When the child suspends for decisions, its
 * pending calls become pending calls of the parent and `run` throws; resuming
 * the parent with decisions for them resumes the child.
 */
export interface ChildRunner {
  /** Runs (or continues) the child of the call `context`; resolves with its result once it ended. */
  run(request: ChildRunRequest, context: ToolContext): Promise<RunResult>;
}
