/** The catalogue of stable error codes; `docs/reference/errors.md` has one row per code (a test keeps them in sync). */

/** Who can fix an error: the user (config, request), a plugin author, or nobody right now (system). */
export type ErrorAudience = 'user' | 'plugin' | 'system';

interface CodeInfo {
  readonly audience: ErrorAudience;
  readonly retryable: boolean;
}

export const ERROR_CODES = {
  'config.not_found': { audience: 'user', retryable: false },
  'config.syntax': { audience: 'user', retryable: false },
  'config.invalid': { audience: 'user', retryable: false },
  'config.env_missing': { audience: 'user', retryable: false },
  'config.unsafe': { audience: 'user', retryable: false },
  'config.too_large': { audience: 'user', retryable: false },
  'plugin.not_found': { audience: 'user', retryable: false },
  'plugin.kind_mismatch': { audience: 'user', retryable: false },
  'plugin.spec_version_unsupported': { audience: 'plugin', retryable: false },
  'plugin.config_invalid': { audience: 'user', retryable: false },
  'plugin.impl_refused': { audience: 'user', retryable: false },
  'plugin.load_failed': { audience: 'plugin', retryable: false },
  'plugin.create_failed': { audience: 'plugin', retryable: false },
  'agent.not_found': { audience: 'user', retryable: false },
  'tool.not_found': { audience: 'system', retryable: false },
  'tool.input_invalid': { audience: 'system', retryable: false },
  'tool.denied': { audience: 'user', retryable: false },
  'tool.vetoed': { audience: 'plugin', retryable: false },
  'tool.approval_required': { audience: 'user', retryable: false },
  'tool.timeout': { audience: 'system', retryable: true },
  'tool.failed': { audience: 'plugin', retryable: false },
  'tool.policy_denied': { audience: 'user', retryable: false },
  'tool.outcome_unknown': { audience: 'user', retryable: false },
  'tool.duplicate_name': { audience: 'user', retryable: false },
  'model.rate_limited': { audience: 'system', retryable: true },
  'model.connection': { audience: 'system', retryable: true },
  'model.timeout': { audience: 'system', retryable: true },
  'model.server_error': { audience: 'system', retryable: true },
  'model.bad_request': { audience: 'user', retryable: false },
  'model.auth': { audience: 'user', retryable: false },
  'model.invalid_output': { audience: 'system', retryable: true },
  'model.script_exhausted': { audience: 'user', retryable: false },
  'budget.exhausted': { audience: 'user', retryable: false },
  'run.not_found': { audience: 'user', retryable: false },
  'run.request_invalid': { audience: 'user', retryable: false },
  'run.not_resumable': { audience: 'user', retryable: false },
  'run.busy': { audience: 'user', retryable: true },
  'run.finished': { audience: 'user', retryable: false },
  'run.cancelled': { audience: 'user', retryable: false },
  'run.timeout': { audience: 'user', retryable: false },
  'run.rejected': { audience: 'user', retryable: false },
  'run.steered': { audience: 'user', retryable: false },
  'run.deadline_passed': { audience: 'user', retryable: false },
  'run.hook_failed': { audience: 'plugin', retryable: false },
  'run.decision_invalid': { audience: 'user', retryable: false },
  'run.output_invalid': { audience: 'system', retryable: false },
  'run.failed': { audience: 'system', retryable: false },
  'run.job_failed': { audience: 'system', retryable: false },
  'runtime.closed': { audience: 'user', retryable: false },
  'trigger.invalid': { audience: 'user', retryable: false },
  'event.invalid': { audience: 'user', retryable: false },
  'store.unavailable': { audience: 'system', retryable: true },
  'store.write_failed': { audience: 'system', retryable: true },
  'store.unsupported': { audience: 'plugin', retryable: false },
  'store.not_json': { audience: 'plugin', retryable: false },
  'store.lease_lost': { audience: 'system', retryable: false },
  'store.corrupt': { audience: 'system', retryable: false },
  'checkpoint.corrupt': { audience: 'system', retryable: false },
  'checkpoint.missing': { audience: 'system', retryable: false },
  'checkpoint.unsupported_version': { audience: 'system', retryable: false },
  'checkpoint.mismatch': { audience: 'user', retryable: false },
  'checkpoint.not_serializable': { audience: 'plugin', retryable: false },
} as const satisfies Record<string, CodeInfo>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
