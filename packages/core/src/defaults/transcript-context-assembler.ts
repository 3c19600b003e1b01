/** `TranscriptContextAssembler`: the model sees the instructions, the memory and the whole run transcript. */
import { z } from 'zod';
import type { AssembledContext, AssembleInput, ContextAssembler } from '../contracts/context-assembler.js';
import type { Message } from '../contracts/message.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';

/**
 * Builds `[system: instructions, ...memory, ...messages]` and leaves nothing
 * out (`omitted` is always 0). The system message is skipped when the
 * instructions are empty. Costs one array copy per step (linear in the
 * transcript, about a microsecond per thousand messages); it never mutates
 * its input. For long runs use a trimming assembler (`truncating`,
 * `token-budget` in `@agentry/plugins/context`).
 */
export class TranscriptContextAssembler implements ContextAssembler {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'context-assembler',
      name: 'transcript',
      description: 'Instructions, memory and the full run transcript, nothing left out',
      configSchema: z.object({}).strict().describe('The transcript assembler takes no options.'),
      create: () => new TranscriptContextAssembler(),
    }),
    noOptions,
  );

  readonly kind = 'context-assembler' as const;
  readonly specVersion = 1 as const;
  readonly name = 'transcript';

  assemble(input: AssembleInput): AssembledContext {
    const { memory, messages } = input;
    const head: Message[] =
      input.instructions === '' ? [] : [{ role: 'system', content: input.instructions }];
    return { messages: head.concat(memory, messages), kept: memory.length + messages.length, omitted: 0 };
  }
}
