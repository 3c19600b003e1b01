/**
 * A tokenizer-free token estimate (~4 characters per token, 4 tokens per message): the `ScriptedModel`'s
 * usage, and the runtime's count of a request's input tokens for budgets when a model has no
 * `countInputTokens` of its own.
 */
import type { Message } from '../contracts/message.js';
import type { ToolSpec } from '../contracts/model.js';

/** Characters per token of the estimate. */
export const CHARS_PER_TOKEN = 4;
const MESSAGE_OVERHEAD_TOKENS = 4;
const messageTokens = new WeakMap<Message, number>();
/** Running input-token total of a request up to this message, keyed by the message object. */
const prefixTokens = new WeakMap<Message, { index: number; total: number }>();
const toolTokens = new WeakMap<readonly ToolSpec[], number>();

/** Tokens of `length` characters of text. */
export function textTokens(length: number): number {
  return Math.ceil(length / CHARS_PER_TOKEN);
}

function countTokens(message: Message): number {
  let length = 0;
  if (message.role === 'tool') {
    length =
      typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content).length;
  } else {
    length = message.content.length;
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) length += call.name.length + JSON.stringify(call.input).length;
    }
  }
  return MESSAGE_OVERHEAD_TOKENS + textTokens(length);
}

/** `countTokens`, remembered per message (for requests that are not a continuation of the last one). */
function cachedTokensOf(message: Message): number {
  let tokens = messageTokens.get(message);
  if (tokens === undefined) {
    tokens = countTokens(message);
    messageTokens.set(message, tokens);
  }
  return tokens;
}

/** How far back from the end a request is searched for the previous request's last message. */
const LOOKBACK = 8;

/**
 * Estimates input tokens (~4 characters per token). The running total of a
 * request is remembered on its last message; when the next request of the
 * run extends the same list, only the messages added since are counted (and
 * not cached one by one: the new running total covers them). Otherwise (a
 * trimmed window) it sums cached per-message counts.
 */
export function estimateInputTokens(messages: readonly Message[], tools: readonly ToolSpec[]): number {
  const length = messages.length;
  let start = 0;
  let total = 0;
  for (let index = length - 1; index >= 0 && index >= length - LOOKBACK; index--) {
    const cached = prefixTokens.get(messages[index]!);
    if (cached !== undefined && cached.index === index) {
      start = index + 1;
      total = cached.total;
      break;
    }
  }
  const count = start > 0 ? countTokens : cachedTokensOf;
  for (let index = start; index < length; index++) total += count(messages[index]!);
  if (start < length) prefixTokens.set(messages[length - 1]!, { index: length - 1, total });
  if (tools.length > 0) {
    let forTools = toolTokens.get(tools);
    if (forTools === undefined) {
      forTools = textTokens(JSON.stringify(tools).length);
      toolTokens.set(tools, forTools);
    }
    total += forTools;
  }
  return total;
}
