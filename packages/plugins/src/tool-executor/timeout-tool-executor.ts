/** `timeout` executor: gives every call a time limit, aborts the tool's signal and answers without waiting. */
import {
  definePlugin,
  type NextExecutor,
  ToolError,
  type ToolExecution,
  type ToolExecutor,
  type ToolOutcome,
} from '@agentry/core';
import { callNext, failureOutcome } from '@agentry/core/plugin';
import { z } from 'zod';

const configSchema = z
  .object({
    defaultMs: z.number().int().positive().default(30_000).describe('Time limit of a call, in milliseconds.'),
    perTool: z
      .record(z.string(), z.number().int().positive())
      .default({})
      .describe('Time limits of single tools by tool name, e.g. { shell: 120000 }.'),
  })
  .strict();

/** Config of `timeout`. */
export type TimeoutToolExecutorConfig = z.input<typeof configSchema>;

/**
 * Races each call against its time limit. On expiry the signal the tool sees is aborted (with a
 * `tool.timeout` error as reason) and the call resolves at once to
 * `{ ok: false, error: { code: 'tool.timeout', retryable: true } }`, even when the tool ignores its signal.
 */
export class TimeoutToolExecutor implements ToolExecutor {
  static readonly plugin = definePlugin({
    kind: 'tool-executor',
    name: 'timeout',
    description: 'Gives every tool call a time limit (per tool or default) and aborts calls that exceed it',
    configSchema,
    create: (config) => new TimeoutToolExecutor(config),
  });

  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = 'timeout';
  private readonly config: z.output<typeof configSchema>;

  constructor(config: TimeoutToolExecutorConfig = {}) {
    this.config = configSchema.parse(config);
  }

  /** The limit that applies to `tool`. */
  limitFor(tool: string): number {
    return this.config.perTool[tool] ?? this.config.defaultMs;
  }

  execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    const limit = this.limitFor(execution.tool.name);
    const controller = new AbortController();
    const signal = AbortSignal.any([execution.context.signal, controller.signal]);
    const timedOut = new ToolError('tool.timeout', {
      message: `Tool "${execution.tool.name}" did not finish within ${limit} ms and was aborted`,
      hint: 'Try a smaller request, or raise the limit (tool executor `timeout`, `perTool`).',
      context: { tool: execution.tool.name, callId: execution.context.callId },
    });
    return new Promise<ToolOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        controller.abort(timedOut);
        resolve(failureOutcome(timedOut));
      }, limit);
      callNext(next, { ...execution, context: { ...execution.context, signal } }).then(
        (outcome) => {
          clearTimeout(timer);
          resolve(controller.signal.aborted ? failureOutcome(timedOut) : outcome);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (controller.signal.aborted && !execution.context.signal.aborted)
            resolve(failureOutcome(timedOut));
          else reject(error);
        },
      );
    });
  }
}
