/**
 * The in-memory state of one run, as the runtime keeps it and the checkpointer
 * persists it. Everything here is plain JSON.
 */
import type { JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import type { PatternState } from '../../contracts/pattern.js';
import type {
  ApprovalAction,
  ApprovalPolicy,
  Budget,
  Decision,
  PendingCall,
  RunStatus,
  RunUsage,
  SessionBusyPolicy,
} from '../../contracts/run.js';
import type { SideEffects, ToolOutcome } from '../../contracts/tool.js';

/** `requested → started → succeeded | failed` for one call id. */
export type LedgerStatus = 'requested' | 'started' | 'succeeded' | 'failed';

/** What the ledger knows of one tool call. */
export type LedgerEntry = {
  callId: string;
  tool: string;
  /** The input that runs (after approval edits and before hooks). */
  input: JsonValue;
  /** sha256 of the canonical JSON of `input`, set once the call is pending or its input was edited; '' before. */
  inputHash: string;
  sideEffects: SideEffects;
  status: LedgerStatus;
  /** Set once `succeeded` or `failed`. */
  outcome?: ToolOutcome;
  /** How many times execution started (1 unless retried after an unknown outcome). */
  attempts: number;
  /** Set when the call runs another agent as a child run (see `child-runs.ts`): that run's id. */
  childRunId?: string;
};

/** A run's complete state between two steps. */
export type RunSnapshot = {
  runId: string;
  sessionId: string;
  agentId: string;
  parentRunId?: string;
  input: string;
  durable: boolean;
  status: RunStatus;
  /** Model calls made so far (the scripted model and call ids use it). */
  step: number;
  patternState: PatternState;
  /** Messages the memory injected at the start; never injected again on resume. */
  memoryMessages: Message[];
  usage: RunUsage;
  /**
   * Ledger of the calls of the current model turn (earlier turns' outcomes are
   * already in the pattern's messages, so they are pruned and the snapshot does
   * not grow with the run).
   */
  ledger: { [callId: string]: LedgerEntry };
  pending: PendingCall[];
  /** Sticky decisions by tool name, for the rest of the run. */
  sticky: { [tool: string]: ApprovalAction };
  /** Decisions given on resume and not yet consumed, by call id. */
  decisions: { [callId: string]: Decision };
  /** Seq of the last event emitted (and, for durable runs, persisted with this snapshot). */
  eventSeq: number;
  /** Automatic resumes after retryable errors so far. */
  resumeAttempts: number;
  /** Resumes of any kind so far (decisions, recovery, retries): `run.resumed`'s `attempt`. */
  resumes?: number;
  /** ISO-8601 start time. */
  startedAt: string;
  /** The run request's budget (overrides the agent's), kept so a resume enforces the same limits. */
  budget?: Budget;
  /**
   * The request's `deadline` in epoch milliseconds: wall-clock time, so a run suspended or interrupted past it
   * stops with `timeout` when it is resumed (its `maxDurationMs` counts active time only).
   */
  deadlineAt?: number;
  /** The request's `metadata` (who asked, what triggered it), kept for the `afterRun` hooks of a resume. */
  metadata?: { [key: string]: JsonValue };
  /** The run request's approval policy, kept so a resume applies the same policy. */
  approvals?: ApprovalPolicy;
  /** Times the final output failed the agent's output schema and was sent back to the model. */
  validationRetries?: number;
  /** The run request's session policy (overrides the agent's `session.onBusy` when taking the session lease). */
  sessionPolicy?: SessionBusyPolicy;
  /** Seq of the last inbox entry (`runtime.send` input) the pattern took: later ones are still to be delivered. */
  inputSeq?: number;
  /** Seq of the last interrupt request from the inbox this run acted on. */
  interruptSeq?: number;
};
