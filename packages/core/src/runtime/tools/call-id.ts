/** Deterministic call ids and canonical input hashes: what binds ledger entries and approvals to one exact call. */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../contracts/json.js';

/**
 * The durable id of one tool call: `<runId>:<step>:<model tool-call id>`,
 * from the run id, the model call index (step) that asked for it and the
 * model's own tool-call id. The same three inputs always give the same id, in
 * any process, so a resumed run finds its ledger entries and pending
 * approvals again. (Run ids are unique, so no hashing is needed, and the id
 * stays readable in logs.)
 */
export function deriveCallId(runId: string, step: number, modelCallId: string): string {
  return `${runId}:${step}:${modelCallId}`;
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
