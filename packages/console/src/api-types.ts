// Generated from the API's OpenAPI document by packages/server/scripts/gen-console-types.mjs.
// Do not edit: change the zod schemas in packages/server/src/schemas.ts and run `npm run docs -w @agentry/server`.

export interface RunPage {
  runs: Run[];
  /** Pass as `cursor` for the next page; absent on the last */
  nextCursor?: string;
}

export interface Run {
  runId: string;
  sessionId: string;
  agentId: string;
  parentRunId?: string;
  worker?: string;
  status: RunStatus;
  stopReason?: StopReason;
  input: string;
  output?: string;
  durable: boolean;
  usage: RunUsage;
  pending: PendingCall[];
  error?: {
    code: string;
    message: string;
    hint?: string;
    retryable: boolean;
    context?: {
      /** `run.busy`, `run.steered`: the run that held the session */
      holderRunId?: string;
    };
  };
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'suspended' | 'failed' | 'cancelled' | 'interrupted' | 'rejected';

export type StopReason = 'completed' | 'max_steps' | 'budget_exhausted' | 'timeout' | 'cancelled' | 'interrupted' | 'awaiting_approval' | 'outcome_unknown' | 'error' | 'rejected';

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
  modelCalls: number;
  toolCalls: number;
  durationMs: number;
}

export interface PendingCall {
  callId: string;
  tool: string;
  /** Any JSON value */
  input?: unknown;
  /** sha256 of the canonical JSON input; decisions carry it back */
  inputHash: string;
  reason: 'approval' | 'outcome_unknown';
}

export interface Error {
  error: {
    code: string;
    message: string;
    hint?: string;
    issues?: {
      path: string;
      message: string;
    }[];
    /** The run the error is about (`run.busy`: the run that holds the session) */
    runId?: string;
  };
}

export interface RunAccepted {
  /** The run (`steered`: the active run that received the input) */
  runId: string;
  state: 'running' | 'queued' | 'finished' | 'steered';
  run?: Run;
  /** `steered`: the input's position in the active run's inbox */
  inputSeq?: number;
}

export interface StartRun {
  agent: string;
  input: string;
  sessionId?: string;
  /** What happens when `sessionId` already has an active run (overrides the agent's `session.onBusy`): `reject` answers 409 `run.busy` naming that run; `enqueue` starts this run once that one ended; `interrupt` stops that run at its next safe point (resumable), then starts this one; `steer` stores `input` in that run's inbox instead and answers at once (state `steered`, no new run; the run takes the input at its next step boundary). Needs `sessionId`. With a shared queue (bullmq) the run is `queued` and the worker that takes it applies the policy: `reject` ends it failed with `run.busy`, `steer` ends it rejected with `run.steered` (both name the active run in `error.context.holderRunId`). */
  sessionPolicy?: 'reject' | 'enqueue' | 'interrupt' | 'steer';
  durable?: boolean;
  budget?: Budget;
}

export interface Budget {
  maxSteps?: number;
  maxToolCalls?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  maxTotalTokens?: number;
  maxCostUsd?: number;
  maxDurationMs?: number;
}

export interface Cancel {
  reason?: string;
}

export interface Resume {
  decisions?: {
    [key: string]: Decision;
  };
}

export type Decision = {
  approve: true;
  /** Any JSON value */
  input?: unknown;
  sticky?: boolean;
  inputHash?: string;
} | {
  approve: false;
  reason?: string;
  sticky?: boolean;
  inputHash?: string;
} | {
  outcome: 'retry';
} | {
  outcome: 'skip';
  /** Any JSON value */
  result?: unknown;
} | {
  outcome: 'fail';
  reason?: string;
};

export interface InputReceipt {
  runId: string;
  seq: number;
  status: string;
}

export interface SendInput {
  input: string;
}

export interface EventPage {
  events: Event[];
  lastSeq: number;
}

export interface Event {
  type: string;
  runId: string;
  sessionId: string;
  agentId: string;
  seq: number;
  time: string;
  data: {
    [key: string]: unknown;
  };
}

export interface PublishedEvent {
  name: string;
  /** Any JSON value */
  payload?: unknown;
  publishedAt: string;
}

export interface PublishEvent {
  /** Letters, digits, `_`, `.`, `:` and `-`; the runtime's own prefixes (`run.`, `tool.`, `trigger.`, `event.` …) are reserved */
  name: string;
  /** Any JSON (default `null`); event triggers match on it */
  payload?: unknown;
}

export interface ApprovalList {
  approvals: Approval[];
}

export interface Approval {
  runId: string;
  agentId: string;
  sessionId: string;
  callId: string;
  tool: string;
  /** Any JSON value */
  input?: unknown;
  inputHash: string;
  reason: 'approval' | 'outcome_unknown';
  /** JSON Schema of the tool's input */
  inputSchema?: {
    [key: string]: unknown;
  };
  requestedAt: string;
  decided: boolean;
}

export interface DecisionAccepted {
  runId: string;
  state: 'resumed' | 'queued' | 'recorded' | 'finished';
  waitingFor: string[];
}

export interface ApprovalDecision {
  decision: 'approve' | 'deny';
  /** Any JSON value */
  input?: unknown;
  reason?: string;
  always?: boolean;
  inputHash: string;
}

export interface AgentList {
  agents: Agent[];
}

export interface Agent {
  id: string;
  description?: string;
  durable: boolean;
  budget: {
    [key: string]: number;
  };
  approvals?: {
    [key: string]: unknown;
  };
  tools: Tool[];
}

export interface Tool {
  name: string;
  description: string;
  inputSchema: {
    [key: string]: unknown;
  };
  sideEffects: 'none' | 'idempotent' | 'unsafe';
  approval: 'always' | 'never' | 'rule';
}

export type AgentDetail = Agent & {
  /** The agent's resolved config, secrets redacted */
  config?: {
    [key: string]: unknown;
  };
};

export interface WhoAmI {
  role: 'viewer' | 'approver' | 'operator' | 'admin';
  auth: 'token' | 'open';
  configError?: string;
}

export interface Health {
  status: 'ok' | 'unavailable';
  checks: {
    [key: string]: {
      ok: boolean;
      message?: string;
    };
  };
}

export interface WebhookAccepted {
  runId: string;
  /** A redelivery (same idempotency key): nothing started; `runId` is the first run */
  duplicate?: boolean;
}
