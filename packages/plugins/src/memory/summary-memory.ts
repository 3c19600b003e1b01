/** `SummaryMemory`: recent turns verbatim, older turns as a model-written summary kept in the store. */
import {
  type Clock,
  definePlugin,
  type Memory,
  type MemoryInjectInput,
  type MemoryInjection,
  type Message,
  type Model,
  ModelError,
  type ModelRegistry,
} from '@agentry/core';
import { z } from 'zod';
import { tokenCounterFor } from '../context/token-counter.js';
import { onErrorSchema, turnStarts } from './memory-support.js';

const DEFAULT_PROMPT =
  'You maintain the memory of a conversation. Write a concise summary of the conversation below, merged with the earlier summary if one is given. Keep facts, names, decisions, open questions and results of tool calls; drop small talk. Answer with the summary only.';

const configSchema = z
  .object({
    maxTokens: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('When the session history is longer than this many tokens, older turns are summarised.'),
    keepRecentTurns: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('How many of the newest turns stay verbatim (a turn starts at a user message).'),
    model: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Name of a model under `models:` that writes the summaries (default: the agent's own model).",
      ),
    prompt: z
      .string()
      .min(1)
      .default(DEFAULT_PROMPT)
      .describe('Instructions given to the summarising model.'),
    maxSummaryTokens: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('Output token limit of one summarising call.'),
    namespace: z
      .string()
      .min(1)
      .default('agentry.memory.summary')
      .describe('Store namespace of the summaries (one entry per session).'),
    onError: onErrorSchema,
  })
  .strict();

/** Config of `SummaryMemory`. */
export type SummaryMemoryConfig = z.input<typeof configSchema>;

/** What the store holds per session: the summary of `history[0, covered)`. */
type StoredSummary = { summary: string; covered: number; updatedAt: string };

function isStoredSummary(value: unknown): value is StoredSummary {
  const candidate = value as Partial<StoredSummary> | undefined;
  return typeof candidate?.summary === 'string' && typeof candidate.covered === 'number';
}

function render(message: Message): string {
  if (message.role === 'tool') return `tool ${message.toolName} result: ${JSON.stringify(message.content)}`;
  if (message.role === 'assistant' && message.toolCalls?.length) {
    const calls = message.toolCalls.map((call) => `${call.name}(${JSON.stringify(call.input)})`).join(', ');
    return `assistant: ${message.content}${message.content ? ' ' : ''}[calls ${calls}]`;
  }
  return `${message.role}: ${message.content}`;
}

/**
 * Keeps the session history as it is while it is short. Once it passes
 * `maxTokens` (counted with the context token counter: tiktoken for OpenAI
 * models, `o200k_base` as an estimate for others), every turn but the newest
 * `keepRecentTurns` is replaced by one system message holding a summary.
 * The summary is written by the agent's model (or the configured `model`)
 * and stored in the store under the session id, together with how many
 * history messages it covers; later runs only summarise what was added
 * since, merging it into the stored summary. Writeback stores nothing else:
 * the runtime keeps the transcript. A failed summary call fails `inject`:
 * the runtime reports it as a `memory.failed` event and runs on without
 * memory (`onError: continue`, default) or fails the run (`onError: fail`).
 */
export class SummaryMemory implements Memory {
  static readonly plugin = definePlugin({
    kind: 'memory',
    name: 'summary',
    description: 'Recent turns verbatim, older ones summarised by a model and stored per session',
    configSchema,
    create: (config, deps) => new SummaryMemory(config, { models: () => deps.models(), clock: deps.clock }),
  });

  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'summary';
  readonly onError: 'continue' | 'fail';
  readonly #config: z.output<typeof configSchema>;
  readonly #models: (() => ModelRegistry) | undefined;
  readonly #clock: Clock;

  /** `models` resolves `config.model` by name; it is needed only when `model` is set. */
  constructor(
    config: SummaryMemoryConfig = {},
    options: { models?: () => ModelRegistry; clock?: Clock } = {},
  ) {
    this.#config = configSchema.parse(config);
    this.onError = this.#config.onError;
    this.#models = options.models;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    const history = input.history;
    const model = this.#model(input.model);
    const counter = await tokenCounterFor(model.modelId);
    if (counter.countMessages(history) <= this.#config.maxTokens) return { messages: [...history] };
    const starts = turnStarts(history);
    const split =
      starts.length > this.#config.keepRecentTurns
        ? starts[starts.length - this.#config.keepRecentTurns]!
        : 0;
    if (split === 0) return { messages: [...history] };

    const stored = await input.store.get(this.#config.namespace, input.sessionId);
    const usable =
      isStoredSummary(stored) && stored.covered > 0 && stored.covered <= split ? stored : undefined;
    let summary = usable?.summary;
    const pending = history.slice(usable?.covered ?? 0, split);
    if (pending.length > 0 || summary === undefined) {
      summary = await this.#summarise(model, input, usable?.summary, pending);
      const updatedAt = new Date(this.#clock.now()).toISOString();
      const record: StoredSummary = { summary, covered: split, updatedAt };
      await input.store.set(this.#config.namespace, input.sessionId, record);
    }
    return {
      messages: [
        { role: 'system', content: `Summary of the earlier conversation:\n${summary}` },
        ...history.slice(split),
      ],
    };
  }

  async writeback(): Promise<void> {}

  #model(agentModel: Model): Model {
    if (this.#config.model === undefined) return agentModel;
    if (!this.#models) {
      throw new ModelError('model.bad_request', {
        message: `SummaryMemory was created without a model registry, so model "${this.#config.model}" cannot be resolved`,
        hint: 'Load the memory through the runtime config, or pass { models } to the constructor.',
        context: { plugin: 'summary' },
      });
    }
    return this.#models().get(this.#config.model);
  }

  async #summarise(
    model: Model,
    input: MemoryInjectInput,
    previous: string | undefined,
    messages: readonly Message[],
  ): Promise<string> {
    const earlier = previous === undefined ? '' : `Earlier summary:\n${previous}\n\n`;
    const response = await model.generate({
      messages: [
        { role: 'system', content: this.#config.prompt },
        { role: 'user', content: `${earlier}Conversation:\n${messages.map(render).join('\n')}` },
      ],
      tools: [],
      runId: input.runId,
      callIndex: 0,
      signal: input.signal,
      maxOutputTokens: this.#config.maxSummaryTokens,
    });
    const summary = response.text.trim();
    if (summary === '') {
      throw new ModelError('model.invalid_output', {
        message: `The summarising model "${model.modelId}" returned an empty summary`,
        hint: 'Check the summary `prompt`, or configure another `model` for the summary memory.',
        context: { plugin: 'summary' },
      });
    }
    return summary;
  }
}
