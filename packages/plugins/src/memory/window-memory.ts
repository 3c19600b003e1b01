/** `WindowMemory`: the model sees the last N messages or turns of the session. */
import { definePlugin, type Memory, type MemoryInjectInput, type MemoryInjection } from '@agentry/core';
import { z } from 'zod';
import { onErrorSchema, safeStart, skipToolResults, turnStarts } from './memory-support.js';

const configSchema = z
  .object({
    maxMessages: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Keep at most this many of the newest messages (default 20 when `maxTurns` is not set).'),
    maxTurns: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Keep the newest N turns instead (a turn starts at a user message).'),
    onError: onErrorSchema,
  })
  .strict()
  .refine((config) => config.maxMessages === undefined || config.maxTurns === undefined, {
    message: 'set either maxMessages or maxTurns, not both',
  });

/** Config of `WindowMemory`. */
export type WindowMemoryConfig = z.input<typeof configSchema>;

/**
 * Injects the newest part of the session history: the last `maxMessages`
 * messages, or the last `maxTurns` turns. The window always starts at a user
 * message when it can, so an assistant tool call is never separated from its
 * results (the window may then hold fewer than `maxMessages`). Writes
 * nothing: the runtime keeps the transcript. A failure is reported by the
 * runtime as a `memory.failed` event; `onError: fail` fails the run instead.
 */
export class WindowMemory implements Memory {
  static readonly plugin = definePlugin({
    kind: 'memory',
    name: 'window',
    description: 'The last N messages or turns of the session',
    configSchema,
    create: (config) => new WindowMemory(config),
  });

  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'window';
  readonly onError: 'continue' | 'fail';
  readonly #maxMessages: number | undefined;
  readonly #maxTurns: number | undefined;

  constructor(config: WindowMemoryConfig = {}) {
    const parsed = configSchema.parse(config);
    this.onError = parsed.onError;
    this.#maxTurns = parsed.maxTurns;
    this.#maxMessages = parsed.maxTurns === undefined ? (parsed.maxMessages ?? 20) : undefined;
  }

  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    const history = input.history;
    let start: number;
    if (this.#maxTurns !== undefined) {
      const starts = turnStarts(history);
      start =
        starts.length > this.#maxTurns
          ? starts[starts.length - this.#maxTurns]!
          : skipToolResults(history, 0);
    } else if (history.length <= this.#maxMessages!) {
      start = skipToolResults(history, 0);
    } else {
      start = safeStart(history, history.length - this.#maxMessages!);
    }
    return { messages: history.slice(start) };
  }

  async writeback(): Promise<void> {}
}
