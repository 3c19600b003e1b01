/** HTTP errors of the API: one JSON shape (`{ error: { code, message, hint } }`) for every failure. */
import { isAgentryError } from '@agentry/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A failure with its HTTP status, stable code and a hint that says what to do. */
export class ApiError extends Error {
  /** Extra response headers (e.g. `retry-after`). */
  readonly headers: Record<string, string> = {};
  /** The run the error is about (shown as `error.runId`). */
  runId?: string | undefined;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  'agent.not_found': 404,
  'run.not_found': 404,
  'run.request_invalid': 422,
  'run.decision_invalid': 422,
  'run.not_resumable': 409,
  'run.busy': 409,
  'run.finished': 409,
  'runtime.closed': 503,
  'event.invalid': 422,
};

/** The JSON body and status for any thrown value; unknown errors say nothing about their internals. */
export function errorBody(
  error: unknown,
  redact: (text: string) => string,
): { status: ContentfulStatusCode; body: { error: Record<string, unknown> }; logged: boolean } {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: redact(error.message),
          ...(error.hint ? { hint: error.hint } : {}),
          ...(error.issues ? { issues: error.issues } : {}),
          ...(error.runId ? { runId: error.runId } : {}),
        },
      },
      logged: false,
    };
  }
  if (isAgentryError(error)) {
    const status =
      STATUS_BY_CODE[error.code] ??
      (error.code.startsWith('config.') || error.code.startsWith('tool.') ? 422 : 500);
    return {
      status,
      body: {
        error: {
          code: error.code,
          message: redact(error.message),
          ...(error.hint ? { hint: redact(error.hint) } : {}),
        },
      },
      logged: status >= 500,
    };
  }
  return {
    status: 500,
    body: {
      error: { code: 'server.internal', message: 'The server failed to handle this request; see its log.' },
    },
    logged: true,
  };
}

export const notFound = (what: string, id: string, hint?: string): ApiError =>
  new ApiError(404, `${what}.not_found`, `No ${what} "${id}"`, hint);
