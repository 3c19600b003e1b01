/** The one error base class, with stable codes, hints and context; recognised across duplicated package copies. */
import { ERROR_CODES, type ErrorAudience, type ErrorCode } from './codes.js';

const AGENTRY_ERROR = Symbol.for('agentry.error');

/** The codes of `ErrorCode` under one prefix (`'tool'` → `'tool.failed' | 'tool.timeout' | …`). */
type CodesOf<Prefix extends string> = Extract<ErrorCode, `${Prefix}.${string}`>;

/** Codes a `ConfigError` may carry: config files and values, and the plugin or tool choices they make. */
export type ConfigErrorCode =
  | CodesOf<'config'>
  | 'plugin.not_found'
  | 'plugin.kind_mismatch'
  | 'plugin.config_invalid'
  | 'plugin.impl_refused'
  | 'tool.duplicate_name'
  | 'agent.not_found';
/** Codes a `PluginError` may carry (a pattern's state that does not fit it is `checkpoint.mismatch`). */
export type PluginErrorCode = CodesOf<'plugin'> | 'checkpoint.mismatch';
/** Codes a `ToolError` may carry. */
export type ToolErrorCode = CodesOf<'tool'>;
/** Codes a `ModelError` may carry (a model call the run cancelled is `run.cancelled`). */
export type ModelErrorCode = CodesOf<'model'> | 'run.cancelled';
/** Codes a `BudgetError` may carry. */
export type BudgetErrorCode = CodesOf<'budget'>;
/** Codes a `StoreError` may carry. */
export type StoreErrorCode = CodesOf<'store'>;
/** Codes a `CheckpointError` may carry. */
export type CheckpointErrorCode = CodesOf<'checkpoint'>;
/** Codes a `RunError` may carry. */
export type RunErrorCode =
  | CodesOf<'run'>
  | CodesOf<'runtime'>
  | CodesOf<'trigger'>
  | CodesOf<'event'>
  | 'agent.not_found';

/**
 * Marks `error` as an instance of the class `name`, by a registered symbol: the guards below then
 * recognise it also when it was thrown by another copy of `@agentry/core` (where `instanceof` fails).
 */
export function markError(error: AgentryError, name: string): void {
  Object.defineProperty(error, Symbol.for(`agentry.error.${name}`), { value: true });
}

/** A guard for the errors marked `name` (by their class or a subclass), in any copy of core. */
export function errorGuard<T extends AgentryError>(name: string): (value: unknown) => value is T {
  const marker = Symbol.for(`agentry.error.${name}`);
  return (value: unknown): value is T =>
    isAgentryError(value) && (value as unknown as Record<symbol, unknown>)[marker] === true;
}

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
  /** `run.busy` of a session, and a run whose input went into another (`run.steered`): the run that holds the session. */
  holderRunId?: string;
}

export interface AgentryErrorOptions {
  message: string;
  /** What the user can do about it. */
  hint?: string | undefined;
  cause?: unknown;
  /** Overrides the code's default. */
  retryable?: boolean | undefined;
  context?: ErrorContext | undefined;
  /** Milliseconds to wait before retrying (from a Retry-After header, say). */
  retryAfterMs?: number | undefined;
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
  location?: string | undefined;
  /** What to do, e.g. `did you mean "instructions"?`. */
  hint?: string;
  /** The code this issue alone would have (`config.invalid`, `config.env_missing` …). */
  code?: ConfigErrorCode;
}

/** Options of `ConfigError`: the base options plus every issue found. */
export interface ConfigErrorOptions extends AgentryErrorOptions {
  issues?: readonly ConfigIssue[];
}

/** Config files and values: the user fixes these. `issues` lists every problem of the file at once. */
export class ConfigError extends AgentryError {
  declare readonly code: ConfigErrorCode;
  /** Every problem found (empty for errors that are not about one config value). */
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, options: ConfigErrorOptions) {
    super(code, options);
    this.issues = options.issues ?? [];
    markError(this, 'ConfigError');
  }
}
/** Loading, validating or creating a plugin. */
export class PluginError extends AgentryError {
  declare readonly code: PluginErrorCode;

  constructor(code: PluginErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'PluginError');
  }
}
/** A tool call: input, approval, execution, policy. */
export class ToolError extends AgentryError {
  declare readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'ToolError');
  }
}
/** A model call: rate limits, connections, provider errors, bad output. */
export class ModelError extends AgentryError {
  declare readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'ModelError');
  }
}
/** A runtime-enforced limit was reached. */
export class BudgetError extends AgentryError {
  declare readonly code: BudgetErrorCode;

  constructor(code: BudgetErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'BudgetError');
  }
}
/** A store read or write. */
export class StoreError extends AgentryError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'StoreError');
  }
}
/** Reading or writing a checkpoint. */
export class CheckpointError extends AgentryError {
  declare readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'CheckpointError');
  }
}
/** A run request or run state: unknown run, not resumable, invalid decision. */
export class RunError extends AgentryError {
  declare readonly code: RunErrorCode;

  constructor(code: RunErrorCode, options: AgentryErrorOptions) {
    super(code, options);
    markError(this, 'RunError');
  }
}

/** True for a `ConfigError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isConfigError = errorGuard<ConfigError>('ConfigError');
/** True for a `PluginError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isPluginError = errorGuard<PluginError>('PluginError');
/** True for a `ToolError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isToolError = errorGuard<ToolError>('ToolError');
/** True for a `ModelError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isModelError = errorGuard<ModelError>('ModelError');
/** True for a `BudgetError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isBudgetError = errorGuard<BudgetError>('BudgetError');
/** True for a `StoreError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isStoreError = errorGuard<StoreError>('StoreError');
/** True for a `CheckpointError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isCheckpointError = errorGuard<CheckpointError>('CheckpointError');
/** True for a `RunError` (or a subclass of it), also one thrown by another copy of `@agentry/core`. */
export const isRunError = errorGuard<RunError>('RunError');

/** Any thrown value as a serialisable error; unknown errors become `run.failed` with their message. */
export function serializeError(error: unknown): SerializedError {
  if (isAgentryError(error)) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'run.failed', message, retryable: false };
}
