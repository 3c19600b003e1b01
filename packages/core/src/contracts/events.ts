/** The typed event map: every event the runtime emits, with its payload. */
import type { JsonValue } from './json.js';
import type { FinishReason, TokenUsage } from './model.js';
import type { RunUsage, StopReason } from './run.js';

/**
 * Payloads by event type. Event payloads never contain secrets.
 *
 * Steps are numbered from 1: step N is the run's N-th model call and the tool calls it asked for. Every
 * `step` field (`step.*`, `model.*`, `context.assembled`), the step in call ids (`<runId>:<step>:<model
 * call id>`), `ToolContext.step`, the CLI's progress lines and error messages use that number.
 * `checkpoint.saved.step` and `run.resumed.fromStep` count the steps done so far (0: before the first).
 */
export interface EventMap {
  /** `worker`: the process (run-lease owner) driving this segment of a durable run. */
  'run.started': { input: string; durable: boolean; parentRunId?: string; worker?: string };
  'run.suspended': { stopReason: StopReason; pending: { callId: string; tool: string; reason: string }[] };
  'run.resumed': {
    attempt: number;
    fromStep: number;
    reason: 'decision' | 'retry' | 'recovery';
    worker?: string;
  };
  'run.completed': { output: string; usage: RunUsage };
  'run.failed': { error: { code: string; message: string; retryable: boolean }; usage: RunUsage };
  'run.cancelled': { reason: string; usage: RunUsage };
  /** Stopped at a safe point (`runtime.interrupt`, a signal, a drain): checkpoint written, lease released, resumable. */
  'run.interrupted': { reason: string; usage: RunUsage };
  /**
   * Refused before it started (no model call, no tool): `code` is `run.rejected` (a `beforeRun` hook
   * blocked it, `reason` is the hook's), `run.deadline_passed`, `run.hook_failed` (a `beforeRun` hook threw)
   * or `run.steered` (a queued run with `sessionPolicy: steer` whose input went into its session's active run).
   */
  'run.rejected': { reason: string; code: string };
  /**
   * Input sent into the run (`runtime.send`, the `steer` session policy) reached the pattern, before its next
   * model call; `seq` is its position in the run's inbox. Emitted once per input, by the process driving the run.
   */
  'run.input_received': { seq: number; text: string };
  /** Submitted with `runtime.enqueue`; a worker starts it later (`runAt`: not before, epoch ms). */
  'run.queued': { input: string; durable: boolean; queue: string; priority?: number; runAt?: number };
  'step.started': { step: number };
  'step.completed': { step: number; toolCalls: number };
  'model.requested': { step: number; messages: number; tools: number };
  'model.delta': { step: number; text: string };
  /** The model's text and tool calls (with their input), its tokens and cost (`costUsd`, 0 without pricing). */
  'model.responded': {
    step: number;
    text: string;
    toolCalls: { id: string; name: string; input: JsonValue }[];
    usage: TokenUsage;
    costUsd: number;
    finishReason: FinishReason;
    durationMs: number;
  };
  'model.failed': {
    step: number;
    error: { code: string; message: string; retryable: boolean };
  };
  'tool.requested': { callId: string; tool: string; input: JsonValue };
  'tool.approval_requested': { callId: string; tool: string; input: JsonValue; inputHash: string };
  'tool.approved': { callId: string; tool: string; edited: boolean; sticky: boolean };
  'tool.denied': { callId: string; tool: string; reason: string };
  'tool.started': { callId: string; tool: string };
  /**
   * `output`: what the tool returned, redacted and cut to 4 KiB of JSON text (then a string ending in
   * `[output truncated: showing <n> of <total> bytes]`).
   */
  'tool.succeeded': {
    callId: string;
    tool: string;
    output: JsonValue;
    durationMs: number;
    replayed: boolean;
  };
  'tool.failed': {
    callId: string;
    tool: string;
    error: { code: string; message: string; retryable: boolean };
    durationMs: number;
  };
  'memory.injected': { memory: string; messages: number };
  'memory.written': { memory: string };
  'memory.failed': {
    memory: string;
    phase: 'inject' | 'writeback';
    error: { code: string; message: string };
  };
  'context.assembled': { step: number; kept: number; omitted: number };
  /**
   * `step`: the steps done when saved (0 before the first model call; 3 after step 3's model response or
   * its tool results); `bytes`: approximate size written (head record plus
   * new chunks, as JSON text length); `version`: the checkpoint format (`schemaVersion`).
   */
  'checkpoint.saved': { step: number; bytes: number; version: number };
  'budget.exceeded': { limit: string; used: number; max: number };
  'subscriber.failed': { eventType: string; message: string };
  /**
   * A trigger started a run (`agents.<agent>.triggers`): `trigger` is `<agent>.<id>`, `payloadDigest` the
   * SHA-256 (hex) of the payload's JSON, `runId` the run it enqueued. Bus only (seq 0), envelope `runId` = the run.
   */
  'trigger.fired': { trigger: string; type: string; payloadDigest: string; runId: string };
  /**
   * A trigger's firing started nothing: `overlap` (its previous run was still active), `misfire` (a tick
   * missed while nothing ran), `duplicate` (a webhook or event seen before; `runId` is the first run),
   * `deadline` (too late to start), `invalid` (the input template could not be filled). Bus only (seq 0),
   * envelope `runId` = `trigger:<agent>.<id>`.
   */
  'trigger.skipped': {
    trigger: string;
    type: string;
    reason: 'overlap' | 'misfire' | 'duplicate' | 'deadline' | 'invalid';
    message: string;
    payloadDigest: string;
    runId?: string;
  };
  /** A custom event (`runtime.publish(name, payload)`, `agentry publish`); event triggers match it by `name`. */
  'event.published': { name: string; payload: JsonValue };
  /** A planning pattern made (or remade, `replans > 0`) its plan. */
  'pattern.planned': { plan: string[]; replans: number };
}

/** Every event type name. */
export type EventType = keyof EventMap;

/**
 * The events that end a run or a segment of it. The bus hears them once the run's record says so: a
 * subscriber that reads the run then finds it ended (or suspended, interrupted, rejected).
 */
export const RUN_ENDING_EVENTS: readonly EventType[] = [
  'run.completed',
  'run.failed',
  'run.suspended',
  'run.cancelled',
  'run.interrupted',
  'run.rejected',
];

/** The envelope every event travels in; `seq` is contiguous per run, starting at 1. */
export interface AgentryEvent<T extends EventType = EventType> {
  type: T;
  runId: string;
  sessionId: string;
  agentId: string;
  seq: number;
  /** ISO-8601 time of emission. */
  time: string;
  data: EventMap[T];
}

/** Any event, discriminated by `type`. */
export type AnyAgentryEvent = { [T in EventType]: AgentryEvent<T> }[EventType];
