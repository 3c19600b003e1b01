/** Pieces every builtin tool shares: common config fields, abort checks and error mapping. */
import {
  type ApprovalRule,
  isAgentryError,
  isToolError,
  type JsonValue,
  type Tool,
  ToolError,
} from '@agentry/core';
import { z } from 'zod';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Config fields every builtin tool accepts. */
export const commonToolConfig = {
  name: z
    .string()
    .regex(TOOL_NAME, 'use 1–64 letters, digits, "_" or "-"')
    .optional()
    .describe(
      'Name the model calls the tool by (defaults to the plugin name); set it to use one tool twice.',
    ),
  description: z.string().min(1).optional().describe('Replaces the description the model sees.'),
  approval: z
    .enum(['never', 'always'])
    .optional()
    .describe('Overrides the default approval rule: `always` asks a human before every call.'),
};

/** Parsed common fields. */
export interface CommonToolConfig {
  name?: string | undefined;
  description?: string | undefined;
  approval?: 'never' | 'always' | undefined;
}

/** The approval rule: the configured override, else the tool's default. */
export function approvalFrom<I>(config: CommonToolConfig, fallback: ApprovalRule<I>): ApprovalRule<I> {
  return config.approval ?? fallback;
}

/** Throws the signal's reason as a `ToolError` when the call was already cancelled. */
export function throwIfAborted(signal: AbortSignal, tool: string): void {
  if (signal.aborted) throw abortedError(signal, tool);
}

/** The error a tool throws when its signal fires. */
export function abortedError(signal: AbortSignal, tool: string): ToolError {
  const reason: unknown = signal.reason;
  if (isToolError(reason)) return reason;
  return new ToolError('tool.failed', {
    message: `${tool}: the call was aborted${reason instanceof Error && reason.message ? ` (${reason.message})` : ''}`,
    hint: 'The run was cancelled or ran out of time.',
    cause: reason,
    context: { tool },
  });
}

/** Maps a file system error to a `ToolError` the model can act on; Agentry errors pass through. */
export function fileError(error: unknown, tool: string, shown: string): Error {
  if (isAgentryError(error)) return error;
  const code = (error as { code?: string }).code;
  const known: Record<string, [string, string]> = {
    ENOENT: ['does not exist', 'List the directory with list-files to find the right name.'],
    EISDIR: ['is a directory', 'Pass a file path; use list-files for directories.'],
    ENOTDIR: ['goes through something that is not a directory', 'Check the path.'],
    EACCES: ['is not accessible', 'Pick a file the agent may read.'],
    EPERM: ['is not accessible', 'Pick a file the agent may read.'],
    ELOOP: ['has a symlink loop', 'Pick another path.'],
  };
  const [reason, hint] = (code && known[code]) || [
    'could not be accessed',
    'Try again or pick another path.',
  ];
  return new ToolError(code === 'ELOOP' ? 'tool.policy_denied' : 'tool.failed', {
    message: `${tool}: "${shown}" ${reason}`,
    hint,
    cause: error,
    context: { tool },
  });
}

/**
 * Widens a typed tool to the `Tool` a plugin's `create` returns (`approval` functions make `Tool<I>`
 * invariant in `I`; the runtime validates input with `tool.input` before `execute`, so this is sound).
 */
export function asTool<I, O extends JsonValue>(tool: Tool<I, O>): Tool {
  return tool as unknown as Tool;
}
