/** `ChainMemory`: several memories as one; inject in order, writeback in reverse. */
import {
  definePlugin,
  type Logger,
  type Memory,
  type MemoryInjectInput,
  type MemoryInjection,
  type MemoryWritebackInput,
  type Message,
  type SlotConfig,
} from '@agentry/core';
import { z } from 'zod';
import { onErrorSchema } from './memory-support.js';

const slotSchema = z.union([
  z.string().min(1),
  z.object({ type: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() }).strict(),
  z.object({ impl: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() }).strict(),
]);

const configSchema = z
  .object({
    memories: z
      .array(slotSchema)
      .min(1)
      .describe(
        'The memories, each a slot like any `memory:` (a builtin name, `{ type, config }` or `{ impl, config }`).',
      ),
    onError: onErrorSchema,
  })
  .strict();

/** Config of `ChainMemory` as written in YAML. */
export type ChainMemoryConfig = z.input<typeof configSchema>;

/**
 * Runs several memories as one. `inject` calls them in the listed order and
 * concatenates their messages; `writeback` calls them in reverse order (the
 * innermost first, like unwinding middleware). A member that fails with
 * `onError: continue` is logged and skipped, so the others still contribute;
 * a member with `onError: fail` makes the whole chain fail. How a chain
 * failure affects the run follows the chain's own `onError` (the runtime
 * reports it as a `memory.failed` event, or fails the run with `fail`).
 */
export class ChainMemory implements Memory {
  static readonly plugin = definePlugin({
    kind: 'memory',
    name: 'chain',
    description: 'Several memories in order (inject in order, writeback in reverse)',
    configSchema,
    create: async (config, deps) => {
      const memories: Memory[] = [];
      for (const [index, slot] of config.memories.entries()) {
        memories.push(await deps.load('memory', slot as SlotConfig, ['memories', index]));
      }
      return new ChainMemory({ memories, onError: config.onError, logger: deps.logger });
    },
  });

  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'chain';
  readonly onError: 'continue' | 'fail';
  /** The members, in inject order. */
  readonly memories: readonly Memory[];
  readonly #logger: Logger | undefined;

  constructor(options: { memories: readonly Memory[]; onError?: 'continue' | 'fail'; logger?: Logger }) {
    if (options.memories.length === 0) throw new TypeError('ChainMemory needs at least one memory');
    this.memories = Object.freeze([...options.memories]);
    this.onError = options.onError ?? 'continue';
    this.#logger = options.logger;
  }

  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    const messages: Message[] = [];
    for (const memory of this.memories) {
      try {
        messages.push(...(await memory.inject(input)).messages);
      } catch (error) {
        this.#tolerate(memory, 'inject', error);
      }
    }
    return { messages };
  }

  async writeback(input: MemoryWritebackInput): Promise<void> {
    for (const memory of [...this.memories].reverse()) {
      try {
        await memory.writeback(input);
      } catch (error) {
        this.#tolerate(memory, 'writeback', error);
      }
    }
  }

  /** Rethrows when the member's policy is `fail`; logs and carries on otherwise. */
  #tolerate(memory: Memory, phase: 'inject' | 'writeback', error: unknown): void {
    if (memory.onError === 'fail') throw error;
    this.#logger?.warn(
      `Memory "${memory.name}" in a chain failed during ${phase}; the chain goes on without it`,
      {
        memory: memory.name,
        phase,
        error: error instanceof Error ? error.message : String(error),
      },
    );
  }
}
