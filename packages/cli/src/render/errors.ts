/** Turns any thrown value into one readable block (what, code, where, hint) and an exit code. */
import path from 'node:path';
import { type AgentryError, isAgentryError, type Redactor } from '@agentry/core';
import { configIssues } from '../core-api.js';
import type { Style } from './style.js';

/** Exit codes of every `agentry` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, suspended: 3 } as const;

/** A mistake in how the command was called (unknown option value, missing input …). */
export class UsageError extends Error {
  readonly code = 'cli.usage';
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    if (hint !== undefined) this.hint = hint;
  }
}

const USER_RUN_CODES = new Set([
  'agent.not_found',
  'run.not_found',
  'run.decision_invalid',
  'run.not_resumable',
]);

/** 2 for usage and config errors, 1 for everything else. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (isAgentryError(error)) {
    if (error.code.startsWith('config.') || error.code.startsWith('plugin.')) return EXIT.usage;
    if (USER_RUN_CODES.has(error.code)) return EXIT.usage;
  }
  return EXIT.failed;
}

/** Shows `file` relative to `cwd` when it lies inside it. */
export function relativeLocation(location: string, cwd: string): string {
  if (!path.isAbsolute(location)) return location;
  const relative = path.relative(cwd, location);
  return relative.startsWith('..') ? location : relative;
}

/** Replaces absolute paths under `cwd` in a message by relative ones. */
export function relativePaths(text: string, cwd: string): string {
  const prefix = cwd.endsWith(path.sep) ? cwd : `${cwd}${path.sep}`;
  return text.split(prefix).join('');
}

/** A key path as `agents.assistant.tools[1]`. */
export function formatKeyPath(keyPath: string | readonly (string | number)[]): string {
  if (typeof keyPath === 'string') return keyPath;
  let text = '';
  for (const segment of keyPath) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(root)' : text;
}

/** Options of `formatError`. */
export interface FormatErrorOptions {
  style: Style;
  cwd: string;
  verbose: boolean;
  redactor: Redactor;
}

/** The error as a block of lines ending in a newline; secrets are redacted. */
export function formatError(error: unknown, options: FormatErrorOptions): string {
  const { style, cwd } = options;
  const lines: string[] = [];
  const code = isAgentryError(error) || error instanceof UsageError ? error.code : 'unexpected';
  const issues = configIssues(error);
  const fullMessage = relativePaths(error instanceof Error ? error.message : String(error), cwd);
  // A config error's message repeats its issues after the first line; they are listed below instead.
  const message = issues.length > 0 ? (fullMessage.split('\n')[0] ?? fullMessage) : fullMessage;
  const mark = style.enabled ? style.symbols.fail : 'error:';
  lines.push(`${mark} ${style.bold(message)} ${style.dim(`[${code}]`)}`);
  for (const issue of issues) {
    const where = issue.location === undefined ? '' : `${relativeLocation(issue.location, cwd)}  `;
    lines.push(`  ${style.cyan(where)}${style.dim(formatKeyPath(issue.path))}`);
    lines.push(`    ${issue.message}`);
    if (issue.hint !== undefined) lines.push(`    ${style.dim('hint:')} ${issue.hint}`);
  }
  if (isAgentryError(error)) {
    const context = (error as AgentryError).context;
    if (issues.length === 0 && (context.location !== undefined || context.path !== undefined)) {
      const where = context.location === undefined ? '' : `${relativeLocation(context.location, cwd)}  `;
      lines.push(`  ${style.cyan(where)}${style.dim(context.path ?? '')}`.trimEnd());
    }
    const about = (['agentId', 'runId', 'tool', 'callId', 'plugin'] as const)
      .filter((key) => context[key] !== undefined)
      .map((key) => `${key.replace(/Id$/, '')} ${context[key]}`);
    if (about.length > 0) lines.push(`  ${style.dim(about.join(', '))}`);
  }
  const hint = (error as { hint?: unknown }).hint;
  if (typeof hint === 'string') lines.push(`${style.yellow('hint:')} ${hint}`);
  if (options.verbose && error instanceof Error) {
    if (error.stack !== undefined) lines.push(style.dim(error.stack));
    let cause = error.cause;
    while (cause !== undefined) {
      lines.push(
        style.dim(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`),
      );
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  } else if (!isAgentryError(error) && !(error instanceof UsageError)) {
    lines.push(style.dim('Run again with --verbose to see the stack trace.'));
  }
  return `${options.redactor.redactText(lines.join('\n'))}\n`;
}

/** The error as the plain JSON `--json` prints. */
export function errorToJson(error: unknown, cwd: string): Record<string, unknown> {
  const message = relativePaths(error instanceof Error ? error.message : String(error), cwd);
  const result: Record<string, unknown> = {
    code: isAgentryError(error) || error instanceof UsageError ? error.code : 'unexpected',
    message,
  };
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  if (typeof hint === 'string') result.hint = hint;
  const issues = configIssues(error);
  if (issues.length > 0) {
    result.issues = issues.map((issue) => ({
      message: issue.message,
      path: formatKeyPath(issue.path),
      ...(issue.location === undefined ? {} : { location: relativeLocation(issue.location, cwd) }),
      ...(issue.hint === undefined ? {} : { hint: issue.hint }),
    }));
  }
  if (isAgentryError(error)) {
    const context = { ...error.context };
    if (context.location !== undefined) context.location = relativeLocation(context.location, cwd);
    if (Object.keys(context).length > 0) result.context = context;
  }
  return result;
}
