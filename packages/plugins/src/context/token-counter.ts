/**
 * Token counting for context and memory plugins: js-tiktoken with the model's own encoding for OpenAI model
 * ids, and `o200k_base` as an estimate for every other model (Anthropic, Llama …, whose tokenizers are not
 * bundled); `chars` (~4 characters per token) only when asked for.
 */
import type { Message } from '@agentry/core';
import { getEncodingNameForModel, Tiktoken, type TiktokenModel } from 'js-tiktoken/lite';

/** Encodings with a bundled rank file. */
export type TokenEncoding = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base';
/** An encoding, or `chars` for the ~4-characters-per-token estimate. */
export type TokenEncodingChoice = TokenEncoding | 'chars';

/** Counts tokens of text and messages; message counts are cached per message object. */
export interface TokenCounter {
  /** The encoding in use, or `chars` for the estimate. */
  readonly encoding: TokenEncodingChoice;
  countText(text: string): number;
  /** Tokens of one message, its role/format overhead included. */
  countMessage(message: Message): number;
  /** Sum over `messages`. */
  countMessages(messages: readonly Message[]): number;
}

/** Tokens added per message for role and formatting (the OpenAI chat format uses about this much). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

const RANK_LOADERS: {
  readonly [E in TokenEncoding]: () => Promise<{ default: ConstructorParameters<typeof Tiktoken>[0] }>;
} = {
  o200k_base: () => import('js-tiktoken/ranks/o200k_base'),
  cl100k_base: () => import('js-tiktoken/ranks/cl100k_base'),
  p50k_base: () => import('js-tiktoken/ranks/p50k_base'),
  r50k_base: () => import('js-tiktoken/ranks/r50k_base'),
};

const O200K = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4|gpt-oss)/;
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/;

/**
 * The tiktoken encoding of an OpenAI model id (`gpt-4o-mini` → `o200k_base`,
 * `gpt-4` → `cl100k_base`; a `provider/` prefix is ignored), or `undefined`
 * for models whose tokenizer is not bundled (Anthropic, Llama …).
 */
export function encodingForModel(modelId: string): TokenEncoding | undefined {
  const id = modelId.slice(modelId.lastIndexOf('/') + 1).toLowerCase();
  if (O200K.test(id)) return 'o200k_base';
  if (CL100K.test(id)) return 'cl100k_base';
  try {
    const name = getEncodingNameForModel(id as TiktokenModel);
    return name in RANK_LOADERS ? (name as TokenEncoding) : undefined;
  } catch {
    return undefined;
  }
}

function messageText(message: Message): string {
  if (message.role === 'tool')
    return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
  if (message.role !== 'assistant' || !message.toolCalls?.length) return message.content;
  let text = message.content;
  for (const call of message.toolCalls) text += ` ${call.name} ${JSON.stringify(call.input)}`;
  return text;
}

class CachingCounter implements TokenCounter {
  readonly #cache = new WeakMap<Message, number>();
  constructor(
    readonly encoding: TokenEncodingChoice,
    readonly countText: (text: string) => number,
  ) {}

  countMessage(message: Message): number {
    let tokens = this.#cache.get(message);
    if (tokens === undefined) {
      tokens = MESSAGE_OVERHEAD_TOKENS + this.countText(messageText(message));
      this.#cache.set(message, tokens);
    }
    return tokens;
  }

  countMessages(messages: readonly Message[]): number {
    let total = 0;
    for (const message of messages) total += this.countMessage(message);
    return total;
  }
}

/** The fallback: ~4 characters per token, rounded up. Cheap and tokenizer-free. */
export const charsTokenCounter: TokenCounter = new CachingCounter('chars', (text) =>
  Math.ceil(text.length / 4),
);

const counters = new Map<TokenEncoding, Promise<TokenCounter>>();

/**
 * A counter for `encoding`, or for the model id's encoding when `encoding` is
 * `auto`. With `auto`, a model whose tokenizer is not bundled is counted with
 * `o200k_base`: an estimate (usually within ~10–20% of the real count), far
 * closer than characters divided by four. `chars` gives the ~4 characters per
 * token estimate. Rank files load once per process, on first use.
 */
export function tokenCounterFor(
  modelId: string,
  encoding: TokenEncodingChoice | 'auto' = 'auto',
): Promise<TokenCounter> {
  const chosen = encoding === 'auto' ? (encodingForModel(modelId) ?? 'o200k_base') : encoding;
  if (chosen === 'chars') return Promise.resolve(charsTokenCounter);
  let counter = counters.get(chosen);
  if (counter === undefined) {
    counter = RANK_LOADERS[chosen]().then((ranks) => {
      const tokenizer = new Tiktoken(ranks.default);
      return new CachingCounter(chosen, (text) =>
        text.length === 0 ? 0 : tokenizer.encode(text, [], []).length,
      );
    });
    counters.set(chosen, counter);
  }
  return counter;
}
