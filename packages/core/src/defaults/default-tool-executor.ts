/** `DefaultToolExecutor`: the plain tool executor; it hands each call to the rest of the chain. */
import { z } from 'zod';
import type { ToolOutcome } from '../contracts/tool.js';
import type { NextExecutor, ToolExecution, ToolExecutor } from '../contracts/tool-executor.js';
import { callNext } from '../plugin/call-next.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';

// A getter: zod builds the field on first use, not when `@agentry/core` is imported.
const configSchema = z
  .object({
    get concurrency() {
      return z
        .number()
        .int()
        .positive()
        .optional()
        .describe('How many calls of one model turn may run at once; unset means all of them.');
    },
  })
  .strict();

/** Config of `DefaultToolExecutor`. */
export type DefaultToolExecutorConfig = z.input<typeof configSchema>;

/**
 * Runs each call once, as is: `execute` calls `next` (the runtime's terminal
 * step, which runs the tool). Should anything further down the chain throw,
 * the error becomes an `{ ok: false }` outcome (code and retryable flag kept
 * for `AgentryError`s, `tool.failed` otherwise), except when the run was
 * aborted: then the abort propagates. Use it as the base of a chain, or alone when a slot needs no
 * timeouts, retries or policies. `concurrency` caps how many calls of one
 * model turn run at once.
 */
export class DefaultToolExecutor implements ToolExecutor {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'tool-executor',
      name: 'default',
      description: 'Runs each tool call once, optionally capping concurrency per model turn',
      configSchema,
      create: (config) => new DefaultToolExecutor(config),
    }),
    noOptions,
  );

  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = 'default';
  readonly concurrency?: number;

  constructor(config: DefaultToolExecutorConfig = {}) {
    const parsed = configSchema.parse(config);
    if (parsed.concurrency !== undefined) this.concurrency = parsed.concurrency;
  }

  execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    // Cancellation and timeouts of the run are not tool failures: `callNext` passes them on.
    return callNext(next, execution);
  }
}
