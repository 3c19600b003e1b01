/** `TokenBudgetContextAssembler`: fits instructions, memory and run messages into a token budget, by strategy. */
import {
  type AssembledContext,
  type AssembleInput,
  type ContextAssembler,
  definePlugin,
  type Message,
} from '@agentry/core';
import { z } from 'zod';
import { collectGroups, groupMessages, type MessageGroup, omissionNote } from './message-groups.js';
import { type TokenCounter, tokenCounterFor } from './token-counter.js';

const configSchema = z
  .object({
    maxTokens: z
      .number()
      .int()
      .positive()
      .default(8000)
      .describe('Tokens the assembled context may use: instructions, note and messages together.'),
    strategy: z
      .enum(['sliding-window', 'head-tail', 'importance'])
      .default('sliding-window')
      .describe(
        '`sliding-window`: the newest messages that fit. `head-tail`: the first messages of the run (the task) plus the newest. `importance`: the last user message and the last tool results first, then the newest others that fit.',
      ),
    headMessages: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe(
        'For `head-tail`: how many messages from the start of the run to keep (rounded to whole tool turns).',
      ),
    encoding: z
      .enum(['auto', 'o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base', 'chars'])
      .default('auto')
      .describe(
        'Tokenizer. `auto` uses the tiktoken encoding of OpenAI model ids and `o200k_base` as an estimate for other models (their tokenizers are not bundled); `chars` estimates ~4 characters per token.',
      ),
    note: z
      .boolean()
      .default(true)
      .describe('Tell the model, in a system note after the instructions, how many messages were left out.'),
  })
  .strict();

/** Config of `TokenBudgetContextAssembler`. */
export type TokenBudgetContextAssemblerConfig = z.input<typeof configSchema>;
type Strategy = z.output<typeof configSchema>['strategy'];

/** Budget set aside for the omission note. */
const NOTE_TOKENS = 24;

/**
 * Keeps the instructions always, then as many memory and run messages as fit
 * in `maxTokens`, chosen by `strategy`. An assistant tool call and its results
 * are kept or dropped together, and tool results without their call are
 * dropped. The newest message group is always kept, even when it alone is
 * over budget (the model must see the turn it answers). Token counts come
 * from js-tiktoken for OpenAI model ids (`o200k_base`, `cl100k_base`) and
 * from `o200k_base` as an estimate for other models; they are cached per message, so a
 * step costs one pass over the messages. Reports `kept`/`omitted` and adds a
 * system note when something was left out.
 */
export class TokenBudgetContextAssembler implements ContextAssembler {
  static readonly plugin = definePlugin({
    kind: 'context-assembler',
    name: 'token-budget',
    description: 'Fits a token budget: sliding-window, head-tail or importance',
    configSchema,
    create: (config) => new TokenBudgetContextAssembler(config),
  });

  readonly kind = 'context-assembler' as const;
  readonly specVersion = 1 as const;
  readonly name = 'token-budget';
  readonly #config: z.output<typeof configSchema>;

  constructor(config: TokenBudgetContextAssemblerConfig = {}) {
    this.#config = configSchema.parse(config);
  }

  async assemble(input: AssembleInput): Promise<AssembledContext> {
    const counter = await tokenCounterFor(input.model.modelId, this.#config.encoding);
    const all: readonly Message[] =
      input.memory.length === 0 ? input.messages : [...input.memory, ...input.messages];
    const system: Message | undefined =
      input.instructions === '' ? undefined : { role: 'system', content: input.instructions };
    const systemTokens = system ? counter.countMessage(system) : 0;
    const budget = this.#config.maxTokens - systemTokens - (this.#config.note ? NOTE_TOKENS : 0);
    const groups = groupMessages(all);
    const sizes = groups.map((group) => (group.orphan ? 0 : groupTokens(all, group, counter)));
    const selected = select(this.#config.strategy, {
      all,
      groups,
      sizes,
      budget,
      runStart: all.length - input.messages.length,
      headMessages: this.#config.headMessages,
    });
    let kept = 0;
    groups.forEach((group, position) => {
      if (selected[position]) kept += group.end - group.start;
    });
    const omitted = all.length - kept;
    const messages: Message[] = [];
    if (system) messages.push(system);
    if (omitted > 0 && this.#config.note) messages.push(omissionNote(omitted, 'to fit the token budget'));
    for (const message of collectGroups(all, groups, selected)) messages.push(message);
    return { messages, kept, omitted };
  }
}

function groupTokens(all: readonly Message[], group: MessageGroup, counter: TokenCounter): number {
  let tokens = 0;
  for (let index = group.start; index < group.end; index++) tokens += counter.countMessage(all[index]!);
  return tokens;
}

interface Selection {
  all: readonly Message[];
  groups: readonly MessageGroup[];
  sizes: readonly number[];
  budget: number;
  /** Index in `all` of the first run message (after memory). */
  runStart: number;
  headMessages: number;
}

/** Marks the groups to keep; the newest non-orphan group is always kept. */
function select(strategy: Strategy, selection: Selection): boolean[] {
  const { groups, sizes } = selection;
  const selected = new Array<boolean>(groups.length).fill(false);
  let used = 0;
  const take = (position: number, force = false): boolean => {
    const group = groups[position];
    if (!group || group.orphan || selected[position]) return false;
    if (!force && used + sizes[position]! > selection.budget) return false;
    selected[position] = true;
    used += sizes[position]!;
    return true;
  };
  const newest = findLast(groups, (group) => !group.orphan);
  if (newest >= 0) take(newest, true);

  if (strategy === 'head-tail') {
    let headCount = 0;
    for (let position = 0; position < groups.length && headCount < selection.headMessages; position++) {
      const group = groups[position]!;
      if (group.start < selection.runStart || group.orphan) continue;
      if (!take(position)) break;
      headCount += group.end - group.start;
    }
  }
  if (strategy === 'importance') {
    const lastUser = findLast(groups, (group) => selection.all[group.start]!.role === 'user');
    const lastToolTurn = findLast(groups, (group) => group.end - group.start > 1);
    if (lastUser >= 0) take(lastUser);
    if (lastToolTurn >= 0) take(lastToolTurn);
  }
  // Fill with the newest groups that fit: contiguous for the window strategies, greedy for importance.
  for (let position = newest - 1; position >= 0; position--) {
    if (selected[position] || groups[position]!.orphan) continue;
    if (!take(position) && strategy !== 'importance') break;
  }
  return selected;
}

function findLast(groups: readonly MessageGroup[], predicate: (group: MessageGroup) => boolean): number {
  for (let position = groups.length - 1; position >= 0; position--) {
    if (predicate(groups[position]!)) return position;
  }
  return -1;
}
