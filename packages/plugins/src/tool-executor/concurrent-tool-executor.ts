/** `concurrent` executor: caps how many calls of one run execute at the same time. */
import {
  definePlugin,
  type NextExecutor,
  type ToolExecution,
  type ToolExecutor,
  type ToolOutcome,
} from '@agentry/core';
import { callNext } from '@agentry/core/plugin';
import { z } from 'zod';

const configSchema = z
  .object({
    maxConcurrency: z
      .number()
      .int()
      .positive()
      .max(1000)
      .describe('How many calls of one model turn (and of one run) may run at once; 1 runs them one by one.'),
  })
  .strict();

/** Config of `concurrent`. */
export type ConcurrentToolExecutorConfig = z.input<typeof configSchema>;

interface Slots {
  running: number;
  readonly waiting: (() => void)[];
}

/**
 * Sets `concurrency` (the runtime runs at most that many calls of a model turn at once) and also enforces the
 * cap itself per run: calls beyond it wait, first come first served. Runs never wait for each other.
 */
export class ConcurrentToolExecutor implements ToolExecutor {
  static readonly plugin = definePlugin({
    kind: 'tool-executor',
    name: 'concurrent',
    description: 'Caps how many tool calls of a model turn run at once',
    configSchema,
    create: (config) => new ConcurrentToolExecutor(config),
  });

  readonly kind = 'tool-executor' as const;
  readonly specVersion = 1 as const;
  readonly name = 'concurrent';
  readonly concurrency: number;
  private readonly runs = new Map<string, Slots>();

  constructor(config: ConcurrentToolExecutorConfig) {
    this.concurrency = configSchema.parse(config).maxConcurrency;
  }

  async execute(execution: ToolExecution, next: NextExecutor): Promise<ToolOutcome> {
    const runId = execution.context.runId;
    let slots = this.runs.get(runId);
    if (!slots) {
      slots = { running: 0, waiting: [] };
      this.runs.set(runId, slots);
    }
    const held = slots;
    if (held.running >= this.concurrency) await new Promise<void>((resolve) => held.waiting.push(resolve));
    else held.running += 1;
    try {
      return await callNext(next, execution);
    } finally {
      const wake = held.waiting.shift();
      if (wake) wake();
      else {
        held.running -= 1;
        if (held.running === 0) this.runs.delete(runId);
      }
    }
  }
}
