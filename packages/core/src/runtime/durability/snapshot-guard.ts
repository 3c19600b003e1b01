/**
 * The shape check of a checkpointed run snapshot, on read: a hand-written guard (measured cheaper per
 * resume than the equivalent zod schema, see `bench/snapshot-validation.js`). It names the first field at
 * fault, so `checkpoint.corrupt` says what is wrong.
 */
import type { JsonValue } from '../../contracts/json.js';

type Check = (value: unknown) => boolean;
type Shape = { readonly [field: string]: Check };

const RUN_STATUSES = new Set(['running', 'completed', 'suspended', 'failed', 'cancelled', 'interrupted']);
const LEDGER_STATUSES = new Set(['requested', 'started', 'succeeded', 'failed']);
const SIDE_EFFECTS = new Set(['none', 'idempotent', 'unsafe']);
const APPROVAL_ACTIONS = new Set(['allow', 'deny', 'ask']);
const PENDING_REASONS = new Set(['approval', 'outcome_unknown']);
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const string: Check = (value) => typeof value === 'string';
const boolean: Check = (value) => typeof value === 'boolean';
const count: Check = (value) => Number.isInteger(value) && (value as number) >= 0;
const amount: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const object: Check = isObject;
const oneOf =
  (values: ReadonlySet<string>): Check =>
  (value) =>
    typeof value === 'string' && values.has(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const recordOf =
  (check: Check): Check =>
  (value) =>
    isObject(value) && Object.values(value).every(check);

const USAGE: Shape = {
  inputTokens: amount,
  outputTokens: amount,
  totalTokens: amount,
  costUsd: amount,
  modelCalls: count,
  toolCalls: count,
  durationMs: amount,
};
const OUTCOME: Shape = { ok: boolean };
const LEDGER_ENTRY: Shape = {
  callId: string,
  tool: string,
  inputHash: string,
  sideEffects: oneOf(SIDE_EFFECTS),
  status: oneOf(LEDGER_STATUSES),
  attempts: count,
  outcome: optional((value) => fits(value, OUTCOME) === undefined),
  childRunId: optional(string),
};
const PENDING_CALL: Shape = {
  callId: string,
  tool: string,
  inputHash: string,
  reason: oneOf(PENDING_REASONS),
};

/** The snapshot as the head stores it: everything but `patternState.messages` and `memoryMessages`. */
const STORED_SNAPSHOT: Shape = {
  runId: string,
  sessionId: string,
  agentId: string,
  parentRunId: optional(string),
  input: string,
  durable: boolean,
  status: oneOf(RUN_STATUSES),
  step: count,
  patternState: object,
  usage: (value) => fits(value, USAGE) === undefined,
  ledger: recordOf((value) => fits(value, LEDGER_ENTRY) === undefined),
  pending: (value) => Array.isArray(value) && value.every((call) => fits(call, PENDING_CALL) === undefined),
  sticky: recordOf(oneOf(APPROVAL_ACTIONS)),
  decisions: recordOf(object),
  eventSeq: count,
  resumeAttempts: count,
  resumes: optional(count),
  startedAt: string,
  budget: optional(recordOf((value) => value === undefined || amount(value))),
  approvals: optional(object),
  deadlineAt: optional(amount),
  metadata: optional(object),
  validationRetries: optional(count),
};

/** The first field of `value` that does not fit `shape` (`undefined` when all fit). */
function fits(value: unknown, shape: Shape): string | undefined {
  if (!isObject(value)) return '(not an object)';
  for (const field in shape) {
    if (!shape[field]!(value[field])) return field;
  }
  return undefined;
}

/**
 * What is wrong with a stored run snapshot, or `undefined` when it has the shape the runtime relies on.
 * Checks every field the runtime reads on resume (ids, status, counters, usage, ledger, pending calls,
 * decisions); `patternState` is the pattern's to interpret, so only its being an object is checked.
 */
export function snapshotProblem(snapshot: unknown): string | undefined {
  const field = fits(snapshot, STORED_SNAPSHOT);
  return field === undefined ? undefined : `snapshot.${field} is missing or has the wrong type`;
}

/** What is wrong with a list of stored messages (`what` names it), or `undefined` when each is a message. */
export function messagesProblem(what: string, messages: readonly JsonValue[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (!isObject(message) || typeof message.role !== 'string' || !ROLES.has(message.role)) {
      return `${what}[${index}] is not a message (no known role)`;
    }
  }
  return undefined;
}
