/** The tool-call ledger of the current turn (`requested → started → succeeded | failed`) and tool result messages. */
import type { JsonValue } from '../../contracts/json.js';
import type { ToolCallRequest } from '../../contracts/message.js';
import type { ToolCallResult } from '../../contracts/pattern.js';
import type { PendingCall } from '../../contracts/run.js';
import type { Tool, ToolOutcome } from '../../contracts/tool.js';
import type { LedgerEntry } from '../snapshot/run-snapshot.js';
import type { RunContext } from '../state/run-context.js';
import { hashInput } from './call-id.js';
import { capToolOutput } from './durable-output-cap.js';

/** The most of a tool output a `tool.succeeded` event carries (JSON text bytes), before its truncation marker. */
export const EVENT_OUTPUT_BYTES = 4 * 1024;

/** Creates (or returns) the ledger entry of a call in `requested` state. */
export function requestEntry(
  run: RunContext,
  callId: string,
  tool: Pick<Tool, 'name' | 'sideEffects'>,
  input: JsonValue,
): LedgerEntry {
  const ledger = run.snapshot.ledger;
  const existing = ledger[callId];
  if (existing) return existing;
  const entry: LedgerEntry = {
    callId,
    tool: tool.name,
    input,
    // Hashed when it matters: a pending call shows it and its decision must match it (see addPending).
    inputHash: '',
    sideEffects: tool.sideEffects,
    status: 'requested',
    attempts: 0,
  };
  ledger[callId] = entry;
  return entry;
}

/** Records the final outcome of a call and emits `tool.succeeded` / `tool.failed`. */
export function settleEntry(
  run: RunContext,
  entry: LedgerEntry,
  outcome: ToolOutcome,
  durationMs: number,
  replayed = false,
): void {
  entry.status = outcome.ok ? 'succeeded' : 'failed';
  entry.outcome = outcome;
  if (outcome.ok) {
    run.recorder.emit('tool.succeeded', {
      callId: entry.callId,
      tool: entry.tool,
      output: capToolOutput(outcome.output, EVENT_OUTPUT_BYTES).output,
      durationMs,
      replayed,
    });
  } else {
    run.recorder.emit('tool.failed', {
      callId: entry.callId,
      tool: entry.tool,
      error: { code: outcome.error.code, message: outcome.error.message, retryable: outcome.error.retryable },
      durationMs,
    });
  }
}

/** Adds a call to the run's pending list (once). */
export function addPending(run: RunContext, entry: LedgerEntry, reason: PendingCall['reason']): void {
  const pending = run.snapshot.pending;
  if (pending.some((call) => call.callId === entry.callId)) return;
  if (entry.inputHash === '') entry.inputHash = hashInput(entry.input);
  pending.push({
    callId: entry.callId,
    tool: entry.tool,
    input: entry.input,
    inputHash: entry.inputHash,
    reason,
  });
}

/** A failure outcome built by the runtime itself (denied, vetoed, invalid input …). */
export function runtimeFailure(code: string, message: string, hint?: string): ToolOutcome {
  return { ok: false, error: { code, message, retryable: false, ...(hint === undefined ? {} : { hint }) } };
}

/** The tool message a pattern appends for one outcome. */
export function toResult(call: ToolCallRequest, outcome: ToolOutcome): ToolCallResult {
  if (outcome.ok) {
    return {
      call,
      message: { role: 'tool', toolCallId: call.id, toolName: call.name, content: outcome.output },
    };
  }
  const error: { [key: string]: JsonValue } = { code: outcome.error.code, message: outcome.error.message };
  if (outcome.error.hint !== undefined) error.hint = outcome.error.hint;
  return {
    call,
    message: { role: 'tool', toolCallId: call.id, toolName: call.name, content: { error }, isError: true },
  };
}
