/** KeywordMemory: a custom `memory` plugin that recalls earlier messages of a session sharing words with the new input. */
import {
  definePlugin,
  type JsonObject,
  type MemoryInjectInput,
  type MemoryInjection,
  type MemoryWritebackInput,
  type Message,
  type RetrievingMemory,
  type Store,
} from '@agentry/core/plugin';
import { z } from 'zod';

/** Config of the `keyword` memory, validated by the loader (errors point at the YAML line). */
export const keywordMemoryConfig = z.strictObject({
  limit: z.int().positive().default(3).describe('How many earlier messages are recalled into a run.'),
  minWordLength: z
    .int()
    .positive()
    .default(4)
    .describe('Words shorter than this are ignored when matching (drops "the", "is" …).'),
  maxNotes: z
    .int()
    .positive()
    .default(100)
    .describe('How many messages a session keeps; the oldest go first.'),
  namespace: z.string().min(1).default('example.keyword-memory').describe('Store namespace of the notes.'),
});

/** The validated config. */
export type KeywordMemoryConfig = z.output<typeof keywordMemoryConfig>;

/** One remembered message, as it is stored (plain JSON). */
interface Note extends JsonObject {
  role: 'user' | 'assistant';
  text: string;
}

/** The lower-cased words of `text` that are at least `minLength` characters long. */
export function keywords(text: string, minLength: number): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((word) => word.length >= minLength));
}

/**
 * Remembers the user and assistant texts of every completed run of a session
 * in the runtime's store, and recalls the ones that share the most words with
 * the next input as one system message. Tool calls are not remembered, so
 * what it injects never holds a tool result without its call.
 */
export class KeywordMemory implements RetrievingMemory {
  readonly kind = 'memory' as const;
  readonly specVersion = 1 as const;
  readonly name = 'keyword';
  /** A failing recall should not stop the agent: the runtime reports `memory.failed` and goes on. */
  readonly onError = 'continue' as const;
  readonly #config: KeywordMemoryConfig;

  constructor(config: Partial<KeywordMemoryConfig> = {}) {
    this.#config = keywordMemoryConfig.parse(config);
  }

  /** Recalls up to `limit` earlier messages that share words with `input.input`. */
  async inject(input: MemoryInjectInput): Promise<MemoryInjection> {
    input.signal.throwIfAborted();
    const recalled = await this.retrieve({
      sessionId: input.sessionId,
      agentId: input.agentId,
      query: input.input,
      store: input.store,
    });
    if (recalled.length === 0) return { messages: [] };
    const lines = recalled.map((message) => `- ${message.role}: ${message.content as string}`);
    return {
      messages: [{ role: 'system', content: `Earlier in this conversation:\n${lines.join('\n')}` }],
    };
  }

  /** Appends the run's user inputs and assistant answers to the session's notes. */
  async writeback(input: MemoryWritebackInput): Promise<void> {
    input.signal.throwIfAborted();
    const added: Note[] = [];
    for (const message of input.messages) {
      if ((message.role === 'user' || message.role === 'assistant') && message.content.trim() !== '') {
        added.push({ role: message.role, text: message.content });
      }
    }
    if (added.length === 0) return;
    const notes = await this.#notes(input.store, input.sessionId);
    await input.store.set(
      this.#config.namespace,
      input.sessionId,
      [...notes, ...added].slice(-this.#config.maxNotes),
    );
  }

  /** The session's messages sharing the most words with `query`, best first (ties: newest first). */
  async retrieve(input: {
    sessionId: string;
    agentId: string;
    query: string;
    limit?: number;
    store: Store;
  }): Promise<Message[]> {
    const wanted = keywords(input.query, this.#config.minWordLength);
    if (wanted.size === 0) return [];
    const notes = await this.#notes(input.store, input.sessionId);
    const scored = notes
      .map((note, index) => {
        let score = 0;
        for (const word of keywords(note.text, this.#config.minWordLength)) if (wanted.has(word)) score++;
        return { note, index, score };
      })
      .filter((entry) => entry.score > 0)
      .sort((left, right) => right.score - left.score || right.index - left.index);
    return scored
      .slice(0, input.limit ?? this.#config.limit)
      .map(({ note }): Message => ({ role: note.role, content: note.text }));
  }

  async #notes(store: Store, sessionId: string): Promise<Note[]> {
    return (await store.get<Note[]>(this.#config.namespace, sessionId)) ?? [];
  }
}

/**
 * The plugin definition: point a `memory:` slot at it with
 * `memory: { impl: ./src/keyword-memory.ts#keywordMemory, config: { limit: 3 } }`.
 */
export const keywordMemory = definePlugin({
  kind: 'memory',
  name: 'keyword',
  description: 'Recalls earlier messages of the session that share words with the new input',
  configSchema: keywordMemoryConfig,
  create: (config) => new KeywordMemory(config),
});
