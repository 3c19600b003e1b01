/** `retrying` executor: retries retryable failures with exponential backoff and jitter, honouring retryAfterMs. */
import {
  definePlugin,
  type JsonValue,
  type NextExecutor,
  type ToolExecution,
  type ToolExecutor,
  type ToolOutcome,
} from '@agentry/core';
import { callNext } from '@agentry/core/plugin';
import { z } from 'zod';
import { sleep } from './executor-support.js';
import { TimeoutToolExecutor } from './timeout-tool-executor.js';

const configSchema = z
  .object({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('Attempts in total, the first one included.'),
    baseDelayMs: z
      .number()
      .int()
      .min(0)
      .default(200)
      .describe('Delay before the first retry; doubles each time.'),
    maxDelayMs: z.number().int().min(0).default(10_000).describe('Longest delay between two attempts.'),
    factor: z.number().min(1).default(2).describe('Growth of the delay per retry.'),
    jitter: z
      .boolean()
      .default(true)
      .describe('Randomise each delay between 0 and its value (full jitter) so clients spread out.'),
    maxRetryAfterMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe('A failure asking to wait longer than this (retryAfterMs) is returned instead of retried.'),
    retryUnsafe: z
      .boolean()
      .default(false)
      .describe('Also retry tools with sideEffects "unsafe" (their effect may already have happened).'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Time limit of each attempt (like the `timeout` executor).'),
  })
  .strict();

/** Config of `retrying`. */
export type RetryingToolExecutorConfig = z.input<typeof configSchema>;

/** A random source in [0, 1); tests pass a fixed one. */
export type RandomSource = () => number;

function retryAfterOf(outcome: ToolOutcome): number | undefined {
  const value = outcome.metadata?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/**
 * Calls `next` again while the outcome is a retryable failure, up to `attempts` in total, waiting
 * `min(maxDelayMs, baseDelayMs · factor^(n-1))` (with full jitter) or the failure's `retryAfterMs`,
 * whichever is longer. Permanent failures and `unsafe` tools (unless `retryUnsafe`) are not retried. The
 * outcome's `metadata.attempts` says how many attempts ran and `metadata.retryDelaysMs` how long it waited.
 */
export class RetryingToolExecutor implements ToolExecutor {
  static readonly plugin = definePlugin({
    kind: 'tool-executor',
    name: 'retrying',
    description: 'Retries retryable tool failures with exponential backoff and jitter',
    configSchema,
    create: (config) => new RetryingToolExecutor(config),
  });

  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = 'retrying';
  private readonly config: z.output<typeof configSchema>;
  private readonly timeout: TimeoutToolExecutor | undefined;

  constructor(
    config: RetryingToolExecutorConfig = {},
    private readonly random: RandomSource = Math.random,
  ) {
    this.config = configSchema.parse(config);
    this.timeout =
      this.config.timeoutMs === undefined
        ? undefined
        : new TimeoutToolExecutor({ defaultMs: this.config.timeoutMs });
  }

  /** Backoff before retry number `retry` (1-based), before jitter. */
  backoff(retry: number): number {
    return Math.min(this.config.maxDelayMs, this.config.baseDelayMs * this.config.factor ** (retry - 1));
  }

  async execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    const attempt = (): Promise<ToolOutcome> =>
      this.timeout ? this.timeout.execute(execution, next) : callNext(next, execution);
    const mayRetry = this.config.retryUnsafe || execution.tool.sideEffects !== 'unsafe';
    const delays: number[] = [];
    for (let attempts = 1; ; attempts += 1) {
      const outcome = await attempt();
      const retryAfter = outcome.ok ? undefined : retryAfterOf(outcome);
      const done =
        outcome.ok ||
        !outcome.error.retryable ||
        !mayRetry ||
        attempts >= this.config.attempts ||
        (retryAfter !== undefined && retryAfter > this.config.maxRetryAfterMs);
      if (done) {
        const metadata: { [key: string]: JsonValue } = { ...outcome.metadata, attempts };
        if (delays.length > 0) metadata.retryDelaysMs = delays;
        return { ...outcome, metadata };
      }
      const backoff = this.backoff(attempts);
      const delay = Math.max(
        Math.round(this.config.jitter ? backoff * this.random() : backoff),
        retryAfter ?? 0,
      );
      delays.push(delay);
      await sleep(delay, execution.context.signal);
    }
  }
}
