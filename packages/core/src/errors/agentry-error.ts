/** The one error base class, with stable codes, hints and context; recognised across duplicated package copies. */
import { ERROR_CODES, type ErrorAudience, type ErrorCode } from './codes.js';

const AGENTRY_ERROR = Symbol.for('agentry.error');

/** What an error concerns; only the parts that are known are set. */
export interface ErrorContext {
  runId?: string;
  sessionId?: string;
  agentId?: string;
  tool?: string;
  callId?: string;
  plugin?: string;
  /** `file:line:col` of the config value at fault. */
  location?: string;
  /** Key path in the config, e.g. `agents.assistant.memory`. */
  path?: string;
}

export interface AgentryErrorOptions {
  message: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
  /** Overrides the code's default. */
  retryable?: boolean;
  context?: ErrorContext;
  /** Milliseconds to wait before retrying (from a Retry-After header, say). */
  retryAfterMs?: number;
}

/** Plain-JSON shape of an error, as stored in run records and shown by the CLI. */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  retryable: boolean;
}

/**
 * Base of every error Agentry throws. `code` is stable (see
 * `docs/reference/errors.md`); `retryable` tells whether trying again later can
 * succeed; `hint` says what to fix.
 */
export class AgentryError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint?: string;
  readonly audience: ErrorAudience;
  readonly context: ErrorContext;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, options: AgentryErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.audience = ERROR_CODES[code].audience;
    this.context = options.context ?? {};
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    Object.defineProperty(this, AGENTRY_ERROR, { value: true });
  }

  /** Plain-JSON view (no stack, no cause). */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}

/** True for any `AgentryError`, also one thrown by another copy of `@agentry/core`. */
export function isAgentryError(value: unknown): value is AgentryError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AGENTRY_ERROR] === true
  );
}

/** One problem found in a config: where it is and how to fix it. */
export interface ConfigIssue {
  /** What is wrong, e.g. `unknown key "instruction"`. */
  message: string;
  /** Key path of the value at fault, e.g. `['agents', 'assistant', 'memory']`. */
  path: (string | number)[];
  /** `file:line:col` of that value, when it came from a file. */
  location?: string;
  /** What to do, e.g. `did you mean "instructions"?`. */
  hint?: string;
  /** The code this issue alone would have (`config.invalid`, `config.env_missing` …). */
  code?: ErrorCode;
}

/** Options of `ConfigError`: the base options plus every issue found. */
export interface ConfigErrorOptions extends AgentryErrorOptions {
  issues?: readonly ConfigIssue[];
}

/** Config files and values: the user fixes these. `issues` lists every problem of the file at once. */
export class ConfigError extends AgentryError {
  /** Every problem found (empty for errors that are not about one config value). */
  readonly issues: readonly ConfigIssue[];

  constructor(code: ErrorCode, options: ConfigErrorOptions) {
    super(code, options);
    this.issues = options.issues ?? [];
  }
}
/** Loading, validating or creating a plugin. */
export class PluginError extends AgentryError {}
/** A tool call: input, approval, execution, policy. */
export class ToolError extends AgentryError {}
/** A model call: rate limits, connections, provider errors, bad output. */
export class ModelError extends AgentryError {}
/** A runtime-enforced limit was reached. */
export class BudgetError extends AgentryError {}
/** A store read or write. */
export class StoreError extends AgentryError {}
/** Reading or writing a checkpoint. */
export class CheckpointError extends AgentryError {}
/** A run request or run state: unknown run, not resumable, invalid decision. */
export class RunError extends AgentryError {}

/** Any thrown value as a serialisable error; unknown errors become `run.failed` with their message. */
export function serializeError(error: unknown): SerializedError {
  if (isAgentryError(error)) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'run.failed', message, retryable: false };
}
