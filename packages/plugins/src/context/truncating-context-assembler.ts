/** `TruncatingContextAssembler`: the instructions plus the last N messages, never splitting a tool call from its results. */
import {
  type AssembledContext,
  type AssembleInput,
  type ContextAssembler,
  definePlugin,
  type Message,
} from '@agentry/core';
import { z } from 'zod';
import { collectGroups, groupMessages, omissionNote } from './message-groups.js';

const configSchema = z
  .object({
    maxMessages: z
      .number()
      .int()
      .positive()
      .default(40)
      .describe(
        'How many of the newest messages (memory + run) the model sees; the instructions do not count.',
      ),
    note: z
      .boolean()
      .default(true)
      .describe('Tell the model, in a system note after the instructions, how many messages were left out.'),
  })
  .strict();

/** Config of `TruncatingContextAssembler`. */
export type TruncatingContextAssemblerConfig = z.input<typeof configSchema>;

/**
 * Keeps the instructions and the newest `maxMessages` messages of memory +
 * run. An assistant tool call and its results are kept or dropped together,
 * so the window may hold a few messages less than `maxMessages` — or, when
 * the newest tool turn alone is larger, exactly that turn. Tool results
 * without their call are always dropped. Reports `kept`/`omitted` and, when
 * something was left out, adds a system note saying how much. Cost: one pass
 * over the messages per step; no tokenizer.
 */
export class TruncatingContextAssembler implements ContextAssembler {
  static readonly plugin = definePlugin({
    kind: 'context-assembler',
    name: 'truncating',
    description: 'Instructions plus the newest N messages, with a note of what was left out',
    configSchema,
    create: (config) => new TruncatingContextAssembler(config),
  });

  readonly kind = 'context-assembler' as const;
  readonly specVersion = 1 as const;
  readonly name = 'truncating';
  readonly #maxMessages: number;
  readonly #note: boolean;

  constructor(config: TruncatingContextAssemblerConfig = {}) {
    const parsed = configSchema.parse(config);
    this.#maxMessages = parsed.maxMessages;
    this.#note = parsed.note;
  }

  assemble(input: AssembleInput): AssembledContext {
    const all: readonly Message[] =
      input.memory.length === 0 ? input.messages : [...input.memory, ...input.messages];
    const groups = groupMessages(all);
    const selected = new Array<boolean>(groups.length).fill(false);
    let kept = 0;
    for (let position = groups.length - 1; position >= 0; position--) {
      const group = groups[position]!;
      if (group.orphan) continue;
      const size = group.end - group.start;
      if (kept + size > this.#maxMessages && kept > 0) break;
      selected[position] = true;
      kept += size;
    }
    const omitted = all.length - kept;
    const messages: Message[] = [];
    if (input.instructions !== '') messages.push({ role: 'system', content: input.instructions });
    if (omitted > 0 && this.#note) messages.push(omissionNote(omitted, 'to stay within the message limit'));
    for (const message of collectGroups(all, groups, selected)) messages.push(message);
    return { messages, kept, omitted };
  }
}
