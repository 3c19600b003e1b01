/** Turns AI SDK / HTTP / network failures into `ModelError`s with the right code, `retryable` and `retryAfterMs`. */
import {
  type AgentryError,
  type ErrorCode,
  isAgentryError,
  ModelError,
  type ModelErrorCode,
} from '@agentry/core';
import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  TypeValidationError,
} from 'ai';

/** What the classifier needs to know about the call that failed. */
export interface ModelErrorContext {
  /** `openai`, `anthropic` … */
  provider: string;
  modelId: string;
  /** Secret values (the API key) that must never appear in a message. */
  secrets: readonly string[];
  /** Env var that supplies the key, for the auth hint. */
  apiKeyEnv?: string;
  /** The call's own abort signal (cancellation by the caller). */
  callerSignal?: AbortSignal;
  /** The signal of the per-call timeout. */
  timeoutSignal?: AbortSignal;
  timeoutMs?: number;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Reads a retry delay from response headers: `retry-after-ms` (milliseconds),
 * then `retry-after` as seconds or an HTTP date. Returns undefined when absent
 * or unparseable; never negative.
 */
export function parseRetryAfter(
  headers: Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const lower: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers)) lower[key.toLowerCase()] = value;
  const milliseconds = lower['retry-after-ms'];
  if (milliseconds !== undefined && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = lower['retry-after']?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Replaces every secret in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

function findConnectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbortLike(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError' || error.name === 'ResponseAborted')
  );
}

function statusCode(status: number): ModelErrorCode {
  if (status === 429) return 'model.rate_limited';
  if (status === 401 || status === 403) return 'model.auth';
  if (status === 408) return 'model.timeout';
  if (status >= 500) return 'model.server_error';
  return 'model.bad_request';
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  'model.rate_limited': 'The provider is rate limiting: the run can be resumed after the delay.',
  'model.connection': 'Check that the provider (baseURL) is reachable from this machine.',
  'model.timeout': 'The model did not answer in time: raise `timeoutMs` in the model config or retry.',
  'model.server_error': 'The provider failed; retrying later usually helps.',
  'model.bad_request': 'The provider rejected the request: check the model id and the request options.',
  'model.invalid_output': 'The model produced output Agentry could not parse; retrying usually helps.',
};

/**
 * Classifies any error thrown by a model call. An `AgentryError` passes
 * through; everything else becomes a `ModelError` whose message never
 * contains a secret.
 */
export function toModelError(error: unknown, context: ModelErrorContext): AgentryError {
  if (isAgentryError(error)) return error;
  const label = `${context.provider} model "${context.modelId}"`;
  const clean = (text: string) => redactSecrets(text, context.secrets);
  const raw = error instanceof Error ? error.message : String(error);

  if (context.timeoutSignal?.aborted === true && context.callerSignal?.aborted !== true) {
    return new ModelError('model.timeout', {
      message: `${label} did not answer within ${context.timeoutMs ?? '?'} ms`,
      hint: HINTS['model.timeout'],
      cause: error,
    });
  }
  if (context.callerSignal?.aborted === true) return abortError(context.callerSignal, label);

  if (LoadAPIKeyError.isInstance(error)) return missingKeyError(context);

  if (APICallError.isInstance(error)) {
    if (error.statusCode !== undefined) {
      const code = statusCode(error.statusCode);
      const retryAfterMs = code === 'model.rate_limited' ? parseRetryAfter(error.responseHeaders) : undefined;
      const hint =
        code === 'model.auth'
          ? `Check the API key (${context.apiKeyEnv ?? "the model's `apiKey` config key"}) and its permissions.`
          : HINTS[code];
      return new ModelError(code, {
        message: clean(`${label} answered HTTP ${error.statusCode}: ${raw}`),
        hint,
        cause: error,
        retryAfterMs,
      });
    }
    const connectionCode = findConnectionCode(error);
    if (connectionCode !== undefined || error.isRetryable) {
      return new ModelError('model.connection', {
        message: clean(`Cannot reach ${label}${connectionCode ? ` (${connectionCode})` : ''}: ${raw}`),
        hint: HINTS['model.connection'],
        cause: error,
      });
    }
  }
  const connectionCode = findConnectionCode(error);
  if (connectionCode !== undefined) {
    return new ModelError('model.connection', {
      message: clean(`Cannot reach ${label} (${connectionCode}): ${raw}`),
      hint: HINTS['model.connection'],
      cause: error,
    });
  }
  if (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error)
  ) {
    return new ModelError('model.invalid_output', {
      message: clean(`${label} sent a response that could not be parsed: ${raw}`),
      hint: HINTS['model.invalid_output'],
      cause: error,
    });
  }
  if (isAbortLike(error)) {
    return new ModelError('model.connection', {
      message: clean(`The connection to ${label} was aborted: ${raw}`),
      hint: HINTS['model.connection'],
      cause: error,
    });
  }
  return new ModelError('model.server_error', {
    message: clean(`${label} failed: ${raw}`),
    hint: 'An unexpected error; the cause has the details.',
    retryable: false,
    cause: error,
  });
}

/** The error a model call rejects with when the caller's signal aborts it. */
export function abortError(signal: AbortSignal, label: string): AgentryError {
  if (isAgentryError(signal.reason)) return signal.reason;
  return new ModelError('run.cancelled', {
    message: `The call to ${label} was aborted`,
    hint: 'The run was cancelled or timed out; the call can be made again.',
    cause: signal.reason,
  });
}

/** `model.auth` for a key that is not configured. */
export function missingKeyError(context: ModelErrorContext): ModelError {
  const env = context.apiKeyEnv;
  return new ModelError('model.auth', {
    message: `No API key for ${context.provider} model "${context.modelId}"${env ? `: ${env} is not set` : ''}`,
    hint: env
      ? `Set the ${env} environment variable or the model's \`apiKey\` config key (e.g. apiKey: \${env:${env}}).`
      : "Set the model's `apiKey` config key.",
  });
}
