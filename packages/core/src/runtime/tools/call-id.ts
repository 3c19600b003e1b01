/** Deterministic call ids and canonical input hashes: what binds ledger entries and approvals to one exact call. */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../contracts/json.js';

/**
 * The durable id of one tool call: `<runId>:<step>:<model tool-call id>`,
 * from the run id, the step (numbered from 1, as in events) whose model
 * response asked for it and the model's own tool-call id. The same three
 * inputs always give the same id, in any process, so a resumed run finds its
 * ledger entries and pending approvals again. (Run ids are unique, so no
 * hashing is needed, and the id stays readable in logs.)
 */
export function deriveCallId(runId: string, step: number, modelCallId: string): string {
  return `${runId}:${step}:${modelCallId}`;
}

/**
 * The step number that the call ids of the current tool turn carry: the step of the latest model response
 * (`snapshot.step`, numbered from 1).
 *
 * Checkpoints written before steps were numbered from 1 carry the 0-based index (`snapshot.step - 1`) in
 * the ids of the turn they stopped in. Only that turn matters: the ledger is emptied at every model call,
 * and pending calls belong to the latest turn. So when the ledger or the pending calls hold ids with the
 * older number, the turn keeps it, and a run suspended or crashed before the change resumes without
 * repeating a finished call or losing its pending approvals. The two numbers never meet in one turn: ids
 * with `snapshot.step - 1` written by this numbering belong to the previous turn, which is gone by then.
 */
export function callIdStep(snapshot: {
  runId: string;
  step: number;
  ledger: Readonly<Record<string, unknown>>;
  pending: readonly { callId: string }[];
}): number {
  const step = snapshot.step;
  if (step === 0) return 0;
  const older = `${snapshot.runId}:${step - 1}:`;
  for (const callId in snapshot.ledger) if (callId.startsWith(older)) return step - 1;
  for (const call of snapshot.pending) if (call.callId.startsWith(older)) return step - 1;
  return step;
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value === undefined ? null : value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of `input`: the hash a pending approval is bound to. */
export function hashInput(input: JsonValue | unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}
