/** Contract for the `runtime` plugin kind: the orchestrator that runs agents. */
import type { EventBus } from './event-bus.js';
import type { AnyAgentryEvent } from './events.js';
import type { JsonObject, JsonValue } from './json.js';
import type { QueueStatus } from './queue.js';
import type {
  ApprovalPolicy,
  Budget,
  CloseOptions,
  Decision,
  EnqueueRequest,
  ResumeRequest,
  RunFilter,
  RunInputReceipt,
  RunRecord,
  RunRequest,
  RunResult,
} from './run.js';
import type { ToolContext } from './tool.js';
import type { StartTriggersOptions, TriggerHandle, TriggerStatus } from './triggers.js';

/** Read access to stored runs. */
export interface RunQueries {
  list(filter?: RunFilter): Promise<RunRecord[]>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** Stored events of a run with `seq > afterSeq`, in order. */
  events(runId: string, options?: { afterSeq?: number | undefined }): Promise<AnyAgentryEvent[]>;
  /**
   * Decisions on some pending calls of suspended runs, kept in the store until every call of the run is
   * decided (an approvals inbox decides one call at a time, from any process). Optional for other runtimes.
   */
  readonly decisions?: PartialDecisions;
}

/** Decisions waiting for the rest of their run's decisions, shared by every process on the store. */
export interface PartialDecisions {
  /** The stored decisions of `runId` among `callIds`, by call id (undecided calls left out). */
  get(runId: string, callIds: readonly string[]): Promise<{ [callId: string]: Decision }>;
  /** Keeps the decision on one call (replacing an earlier one on the same call). */
  set(runId: string, callId: string, decision: Decision): Promise<void>;
  /** Forgets the decisions on these calls (once the run continued with them). */
  clear(runId: string, callIds: readonly string[]): Promise<void>;
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
/**
 * A streamed run. The run starts when `stream` is called; its events are kept until they are read, so
 * iterating later misses none. Iterate it once.
 *
 * @example
 * ```ts
 * const run = runtime.stream({ agent: 'assistant', input: 'Hi' });
 * for await (const event of run) if (event.type === 'model.delta') process.stdout.write(event.data.text);
 * const result = await run.result;
 * ```
 */
export interface RunStream extends AsyncIterable<AnyAgentryEvent> {
  /** The run's id (the request's `runId`, or the one the runtime gave it). */
  readonly runId: string;
  /**
   * Resolves with the run's result once it has ended (as `run` would); rejects when the run could not
   * start (an invalid request, an unknown agent). The iterator throws the same error.
   */
  readonly result: Promise<RunResult>;
}

export interface Runtime {
  readonly kind: 'runtime';
  readonly specVersion: 1;
  /** The runtime's event bus; subscribe with `runtime.events.on(type, handler)`. */
  readonly events: EventBus;
  readonly runs: RunQueries;
  run(request: RunRequest): Promise<RunResult>;
  /** Continues a suspended, failed-retryable or orphaned run, from any process sharing the store. */
  resume(runId: string, request?: ResumeRequest): Promise<RunResult>;
  /**
   * Starts a run like `run` and hands back a `RunStream`: iterate it for every event of the run, model
   * deltas included, ending with the final one; await its `result` for the run's result.
   */
  stream(request: RunRequest): RunStream;
  /**
   * Submits a run to the configured queue and resolves with its id at once: the run record is written
   * as `queued` and `run.queued` is published; a worker (`agentry worker`, or this process itself with
   * the `local` queue) drives it. Enqueued runs are durable unless `durable: false` is given.
   */
  enqueue(request: EnqueueRequest): Promise<{ runId: string }>;
  /**
   * Hands a suspended (or interrupted, or retryably failed) run to the queue with `decisions` for its
   * pending calls, and resolves at once; some worker continues it. `resume` with decisions does the
   * same on a deployment whose queue is shared (`bullmq`) and waits for the run to stop again.
   */
  enqueueResume(runId: string, request?: Pick<ResumeRequest, 'decisions'>): Promise<{ runId: string }>;
  /** Starts taking jobs from the configured queue and driving their runs here (what `agentry worker` runs). */
  work(options?: WorkOptions): Promise<RunWorker>;
  /** Counts and workers of the configured queue for this runtime's agents. */
  queueStatus(): Promise<QueueStatus>;
  /**
   * Sends input into a run that has not ended (steering), from any process sharing the store: the input
   * is stored in the run's inbox (`seq` gives its order) and the run receives it before its next model
   * call (`run.input_received`); a suspended, interrupted or queued run receives it when it continues.
   * Throws `run.not_found` for an unknown run and `run.finished` for one that completed, failed, was
   * cancelled or rejected.
   */
  send(runId: string, message: string): Promise<RunInputReceipt>;
  /**
   * Sends input into the active run of a session, whichever run and process that is (the `steer` session
   * policy without a new run, and without waiting for that run): resolves once the input is stored in that
   * run's inbox, with the receipt (`runId` names that run); the run receives it at its next step boundary.
   * Resolves `undefined` when the session has no active run (or it ended meanwhile): nothing is stored.
   */
  steer(sessionId: string, message: string): Promise<RunInputReceipt | undefined>;
  /**
   * Cancels a run for good (status `cancelled`). A run of this process stops now and this resolves once it
   * has stopped. A run another process drives (a shared store) is asked through its inbox and stops at its
   * next step boundary (a `queued` one when it starts); this resolves once the request is stored. Unknown,
   * suspended and ended runs are ignored.
   */
  cancel(runId: string, reason?: string): Promise<void>;
  /**
   * Stops a run at its next safe point: an in-flight tool gets the abort signal, the checkpoint is written
   * and the run lease released; a durable run ends `interrupted` and can be resumed (by any process
   * sharing the store). A run that is not durable is cancelled. A run of this process is stopped now and
   * this resolves when it has stopped; a `running` run of another process is asked through its inbox (it
   * stops at its next step boundary) and this resolves once the request is stored. Other runs are ignored.
   */
  interrupt(runId: string, reason?: string): Promise<void>;
  /**
   * Starts the agents' triggers (`agents.<id>.triggers`) in this process: cron and interval on the queue's
   * schedules (one firing per tick across workers with `bullmq`), event triggers on the bus, webhook
   * endpoints for `createServer(runtime, { triggers })`. `agentry serve` and `agentry worker` call it.
   */
  startTriggers?(options?: StartTriggersOptions): Promise<TriggerHandle>;
  /** Every configured trigger: what starts it, its next tick, its latest firings (stored, from any process). */
  describeTriggers?(): Promise<TriggerStatus[]>;
  /** Publishes a custom event (`event.published`); event triggers with `event: <name>` fire on it. */
  publish?(name: string, payload?: JsonValue): Promise<void>;
  /** Names of the configured agents. */
  agents(): string[];
  /** A configured agent and its tools; `undefined` for an unknown name. Optional for other runtimes. */
  describeAgent?(agentId: string): AgentDescription | undefined;
  /**
   * Stops accepting runs, then waits for active ones (`mode: 'drain'`, the default) or interrupts them
   * (`mode: 'interrupt'`), and closes plugins and the store.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** Options of `runtime.work`. */
export interface WorkOptions {
  /** Runs driven at once by this worker (default 4). */
  concurrency?: number;
  /** Only runs of these agents (default: every configured agent). */
  agents?: readonly string[];
}

/** A worker started by `runtime.work`. */
export interface RunWorker {
  /** This worker's name, as run records (`worker`) and `agentry queue status` show it. */
  readonly id: string;
  /** Ids of the runs it drives right now. */
  active(): string[];
  /**
   * Stops taking jobs. `interrupt` (the default; SIGTERM) interrupts the runs it drives at their next
   * safe point and hands them back to the queue, so other workers continue them at once; `drain` waits
   * for them to stop by themselves.
   */
  stop(mode?: 'drain' | 'interrupt'): Promise<void>;
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
