/** `BufferMemory`: the model sees the whole session history. */
import { definePlugin, type Memory, type MemoryInjectInput, type MemoryInjection } from '@agentry/core';
import { z } from 'zod';
import { onErrorSchema } from './memory-support.js';

const configSchema = z.object({ onError: onErrorSchema }).strict();

/** Config of `BufferMemory`. */
export type BufferMemoryConfig = z.input<typeof configSchema>;

/**
 * Injects every earlier message of the session, as the runtime hands it over
 * (`history`), unchanged. Writes nothing: the runtime keeps the session
 * transcript. Grows without bound; pair it with a trimming context
 * assembler, or use `window` or `summary`. A failure is reported by the
 * runtime as a `memory.failed` event; `onError: fail` fails the run instead.
 */
export class BufferMemory implements Memory {
  static readonly plugin = definePlugin({
    kind: 'memory',
    name: 'buffer',
    description: 'The whole session history',
    configSchema,
    create: (config) => new BufferMemory(config),
  });

  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'buffer';
  readonly onError: 'continue' | 'fail';

  constructor(config: BufferMemoryConfig = {}) {
    this.onError = configSchema.parse(config).onError;
  }

  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    return { messages: [...input.history] };
  }

  async writeback(): Promise<void> {}
}
