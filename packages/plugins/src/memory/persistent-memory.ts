/** `PersistentMemory`: facts from past runs kept in the store and recalled by keyword match and recency. */
import {
  type Clock,
  definePlugin,
  type MemoryInjectInput,
  type MemoryInjection,
  type MemoryWritebackInput,
  type Message,
  type RetrievingMemory,
  type Store,
} from '@agentry/core';
import { z } from 'zod';
import { onErrorSchema } from './memory-support.js';

const configSchema = z
  .object({
    scope: z
      .string()
      .min(1)
      .default('session')
      .describe(
        'Whose facts are shared: `session` (each session its own), `agent` (all sessions of the agent), or any other name (every agent using that scope name).',
      ),
    limit: z.number().int().positive().default(5).describe('How many facts are injected into a run.'),
    maxFacts: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('How many facts a scope keeps; the oldest are dropped first.'),
    roles: z
      .array(z.enum(['user', 'assistant']))
      .min(1)
      .default(['user', 'assistant'])
      .describe('Which messages of a run become facts: user inputs, final assistant answers, or both.'),
    maxFactLength: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('Longer messages are cut to this many characters before they are stored.'),
    namespace: z
      .string()
      .min(1)
      .default('agentry.memory.persistent')
      .describe('Store namespace of the facts (one entry per scope).'),
    onError: onErrorSchema,
  })
  .strict();

/** Config of `PersistentMemory`. */
export type PersistentMemoryConfig = z.input<typeof configSchema>;

/** One remembered message. */
type Fact = { role: 'user' | 'assistant'; text: string; runId: string; at: number };

const STOP_WORDS = new Set(
  'the and for are but not you your with this that what which who how was were has have had from into about there their them they then than its our out can all any did does just also will would could should'.split(
    ' ',
  ),
);

/** Lower-case words of three or more letters or digits, without common stop words. */
function keywords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  return new Set(words.filter((word) => !STOP_WORDS.has(word)));
}

function readFacts(value: unknown): Fact[] {
  const facts = (value as { facts?: unknown } | undefined)?.facts;
  return Array.isArray(facts) ? (facts as Fact[]) : [];
}

/**
 * Remembers across runs: `writeback` stores the run's user inputs and final
 * assistant answers as facts in the store (one entry per scope, newest
 * `maxFacts` kept); `inject` recalls up to `limit` facts for the new input,
 * those sharing the most keywords with it first and, among equals, the most
 * recent first, as one system message. `retrieve` searches the same way.
 * Concurrent writebacks to one shared scope (`agent` or a named scope) may
 * lose a fact: the last writer wins. A failure is reported by the runtime as
 * a `memory.failed` event; `onError: fail` fails the run instead.
 */
export class PersistentMemory implements RetrievingMemory {
  static readonly plugin = definePlugin({
    kind: 'memory',
    name: 'persistent',
    description: 'Store-backed facts recalled by keyword match and recency',
    configSchema,
    create: (config, deps) => new PersistentMemory(config, { clock: deps.clock }),
  });

  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'persistent';
  readonly onError: 'continue' | 'fail';
  readonly #config: z.output<typeof configSchema>;
  readonly #clock: Clock;

  constructor(config: PersistentMemoryConfig = {}, options: { clock?: Clock } = {}) {
    this.#config = configSchema.parse(config);
    this.onError = this.#config.onError;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    const facts = await this.#recall(input.store, this.#scopeKey(input), input.input, this.#config.limit);
    if (facts.length === 0) return { messages: [] };
    const lines = facts.map((fact) => `- (${fact.role}) ${fact.text}`).join('\n');
    return {
      messages: [
        { role: 'system', content: `Remembered from earlier conversations (most relevant first):\n${lines}` },
      ],
    };
  }

  async writeback(input: MemoryWritebackInput): Promise<void> {
    const at = this.#clock.now();
    const added: Fact[] = [];
    for (const message of input.messages) {
      if (message.role !== 'user' && message.role !== 'assistant') continue;
      if (!this.#config.roles.includes(message.role)) continue;
      if (message.role === 'assistant' && message.toolCalls?.length) continue;
      const text = message.content.trim().slice(0, this.#config.maxFactLength);
      if (text !== '') added.push({ role: message.role, text, runId: input.runId, at });
    }
    if (added.length === 0) return;
    const key = this.#scopeKey(input);
    const facts = [...readFacts(await input.store.get(this.#config.namespace, key)), ...added].slice(
      -this.#config.maxFacts,
    );
    await input.store.set(this.#config.namespace, key, { facts });
  }

  async retrieve(input: {
    sessionId: string;
    agentId: string;
    query: string;
    limit?: number;
    store: Store;
  }): Promise<Message[]> {
    const facts = await this.#recall(
      input.store,
      this.#scopeKey(input),
      input.query,
      input.limit ?? this.#config.limit,
    );
    return facts.map((fact) => ({ role: fact.role, content: fact.text }));
  }

  #scopeKey(input: { sessionId: string; agentId: string }): string {
    const scope = this.#config.scope;
    if (scope === 'session') return `session:${input.sessionId}`;
    if (scope === 'agent') return `agent:${input.agentId}`;
    return `scope:${scope}`;
  }

  async #recall(store: Store, key: string, query: string, limit: number): Promise<Fact[]> {
    const facts = readFacts(await store.get(this.#config.namespace, key));
    const wanted = keywords(query);
    const scored = facts.map((fact, order) => {
      let score = 0;
      for (const word of keywords(fact.text)) if (wanted.has(word)) score++;
      return { fact, score, order };
    });
    scored.sort((left, right) => right.score - left.score || right.order - left.order);
    return scored.slice(0, limit).map((entry) => entry.fact);
  }
}
