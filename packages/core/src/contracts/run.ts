/** Run requests, results, decisions and records: the shapes `Runtime` callers see. */
import type { JsonValue } from './json.js';

/**
 * `queued`: submitted with `runtime.enqueue`, no worker drives it yet. `interrupted`: stopped at a safe
 * point by `runtime.interrupt` (a signal, a drain) with its checkpoint written; resumable, unlike `cancelled`.
 */
export type RunStatus =
  | 'queued'
  | 'running'
  | 'completed'
  | 'suspended'
  | 'failed'
  | 'cancelled'
  | 'interrupted'
  /** Refused before it started: a `beforeRun` hook blocked it or its `deadline` had passed. Nothing ran. */
  | 'rejected';
export type StopReason =
  | 'completed'
  | 'max_steps'
  | 'budget_exhausted'
  | 'timeout'
  | 'cancelled'
  | 'interrupted'
  | 'awaiting_approval'
  | 'outcome_unknown'
  | 'error'
  /** A `beforeRun` hook blocked the run. */
  | 'rejected';

/** Usage of one run (all attempts and resumes included). */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
  durationMs: number;
}

/** Limits the runtime enforces; each exceeded limit stops the run with its own stop reason. */
export interface Budget {
  maxSteps?: number | undefined;
  maxToolCalls?: number | undefined;
  maxInputTokens?: number | undefined;
  maxOutputTokens?: number | undefined;
  maxTotalTokens?: number | undefined;
  maxCostUsd?: number | undefined;
  maxDurationMs?: number | undefined;
}

/** `allow` runs without asking, `deny` refuses (the model is told), `ask` suspends for a decision. */
export type ApprovalAction = 'allow' | 'deny' | 'ask';
/** Approval policy: per-tool actions, and a default for tools not listed. Unset means the tool's own rule. */
export interface ApprovalPolicy {
  default?: ApprovalAction | undefined;
  tools?: { [tool: string]: ApprovalAction } | undefined;
}

/** A call the run is waiting on. */
export interface PendingCall {
  callId: string;
  tool: string;
  input: JsonValue;
  /** sha256 of the canonical JSON input; a decision must match it. */
  inputHash: string;
  reason: 'approval' | 'outcome_unknown';
}

/**
 * A decision on one pending call. An approval or denial may carry the
 * `inputHash` of the pending call it was made for (as shown to whoever
 * decided): when the call's input has changed since, the decision is refused
 * with `run.decision_invalid`.
 */
export type Decision =
  | {
      approve: true;
      input?: JsonValue | undefined;
      sticky?: boolean | undefined;
      inputHash?: string | undefined;
    }
  | {
      approve: false;
      reason?: string | undefined;
      sticky?: boolean | undefined;
      inputHash?: string | undefined;
    }
  /** For `outcome_unknown` calls: run it again, record a result without running it, or fail the run. */
  | { outcome: 'retry' }
  | { outcome: 'skip'; result: JsonValue }
  | { outcome: 'fail'; reason?: string | undefined };

/** What `runtime.run` takes. */
export interface RunRequest {
  agent: string;
  input: string;
  sessionId?: string | undefined;
  /** Checkpoint after every model response and every result of a tool with side effects. Defaults to the agent's `durable`. */
  durable?: boolean | undefined;
  approvals?: ApprovalPolicy | undefined;
  budget?: Budget | undefined;
  parentRunId?: string | undefined;
  /** Caller-supplied id (otherwise generated). */
  runId?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Absolute time (ISO-8601 text or epoch milliseconds) the run must end by: a run requested after it
   * does not start (status `rejected`, stop reason `timeout`); an active run stops with `timeout` then.
   */
  deadline?: string | number | undefined;
  /** Caller data (identity, trigger, tags) that `beforeRun` / `afterRun` hooks see and may rewrite. */
  metadata?: { [key: string]: JsonValue } | undefined;
  /**
   * What happens when the session (`sessionId`) already has an active run; overrides the agent's
   * `session.onBusy`. See `SessionBusyPolicy`.
   */
  sessionPolicy?: SessionBusyPolicy | undefined;
}

/**
 * What a new request does when its session already has an active run (in any process sharing the store):
 * - `reject`: the new run fails at once with `run.busy`;
 * - `enqueue`: it waits until the active run ends (up to the agent's `session.waitMs`), then starts;
 * - `interrupt`: the active run is interrupted at its next safe point (resumable), then the new one starts;
 * - `steer`: the new input is sent into the active run (as `runtime.send` does) and the caller gets that
 *   run's result; no new run is created. A queued run (`runtime.enqueue`) ends `rejected` with
 *   `run.steered` instead, naming that run in `error.context.holderRunId`.
 *
 * A queued run keeps its request's policy; a worker applies it when it takes the run.
 */
export type SessionBusyPolicy = 'reject' | 'enqueue' | 'interrupt' | 'steer';

/** What a run's inbox gave back for one `runtime.send`. */
export interface RunInputReceipt {
  runId: string;
  /** Position of the input in the run's inbox (1, 2, …): the run receives inputs in this order, each once. */
  seq: number;
  /** The run's status when the input was stored (`running`, `suspended`, `interrupted`, `queued` …). */
  status: RunStatus;
}

/** What `runtime.resume` takes. */
export interface ResumeRequest {
  decisions?: { [callId: string]: Decision } | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * What `runtime.enqueue` takes: a run request without a signal (the run is driven elsewhere), plus
 * when and how urgently a worker should take it.
 */
export interface EnqueueRequest extends Omit<RunRequest, 'signal'> {
  /** Lower numbers are taken first (BullMQ semantics); unset runs in arrival order after prioritised jobs. */
  priority?: number;
  /** Do not start before this time (ISO-8601 text or epoch milliseconds). */
  runAt?: string | number;
}

/** How `runtime.close` treats runs still active: wait for them (`drain`, the default) or interrupt them. */
export interface CloseOptions {
  mode?: 'drain' | 'interrupt';
}

/** How every run ends. */
export interface RunResult {
  runId: string;
  sessionId: string;
  agentId: string;
  status: Exclude<RunStatus, 'running' | 'queued'>;
  stopReason: StopReason;
  /** Final text (or JSON text when an output schema is set); empty unless completed. */
  output: string;
  /** Parsed output when the agent has an output schema. */
  structured?: JsonValue;
  usage: RunUsage;
  pending: PendingCall[];
  /**
   * Why the run failed (or was refused); `retryAfterMs` is how long the failing service asked to wait (e.g.
   * Retry-After); `context.holderRunId` names the run that holds the session (`run.busy`, `run.steered`).
   */
  error?: {
    code: string;
    message: string;
    hint?: string;
    retryable: boolean;
    retryAfterMs?: number;
    context?: RunErrorContext;
  };
}

/** What a run's error names beyond the run itself. */
export interface RunErrorContext {
  /** The run that holds the session (`run.busy`: refused because of it; `run.steered`: the input went into it). */
  holderRunId?: string;
}

/** The stored record of a run. */
export interface RunRecord {
  runId: string;
  sessionId: string;
  agentId: string;
  parentRunId?: string;
  status: RunStatus;
  stopReason?: StopReason;
  input: string;
  output?: string;
  durable: boolean;
  usage: RunUsage;
  pending: PendingCall[];
  error?: { code: string; message: string; hint?: string; retryable: boolean; context?: RunErrorContext };
  /** The process (run-lease owner, e.g. a worker) that drove the run's latest segment, for durable runs. */
  worker?: string;
  /** ISO-8601 times. */
  createdAt: string;
  updatedAt: string;
}

/**
 * Filter of `runtime.runs.list` (runs newest first). `limit` with `after` pages through the list: the
 * next page starts after the last run of the previous one.
 */
export interface RunFilter {
  sessionId?: string;
  agentId?: string;
  status?: RunStatus;
  parentRunId?: string;
  limit?: number;
  /** Only runs created at or after this time (ISO-8601). */
  since?: string;
  /** Only runs created before this time (ISO-8601). */
  until?: string;
  /**
   * Only runs listed after this one (the last run of the previous page); when that run is gone, the runs
   * created before its `createdAt`.
   */
  after?: { runId: string; createdAt: string };
}
