/** Shared helpers of the conformance suites: well-formed transcripts, deep freezing, JSON round trips. */
import type { Message } from '../contracts/message.js';

/**
 * Problems that make a message list unusable for a model: tool results whose
 * call is not before them, and assistant tool calls whose results are
 * missing. Empty when the list is well formed.
 */
export function transcriptProblems(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  const open = new Map<string, number>();
  const answered = new Set<string>();
  messages.forEach((message, index) => {
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) open.set(call.id, index);
    } else if (message.role === 'tool') {
      if (!open.has(message.toolCallId)) {
        problems.push(
          `message ${index}: tool result for call ${message.toolCallId} has no assistant call before it`,
        );
      }
      answered.add(message.toolCallId);
    }
  });
  for (const [id, index] of open) {
    if (!answered.has(id)) problems.push(`message ${index}: tool call ${id} has no result after it`);
  }
  return problems;
}

/** Freezes a value and everything inside it, so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The value after a trip through JSON text. */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A well-formed conversation of `turns` turns; every third turn uses a tool
 * (an assistant call, then its result). Each message text contains `marker`.
 */
export function sampleConversation(turns: number, marker = 'sample'): Message[] {
  const messages: Message[] = [];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: `${marker} question ${turn}: what is ${turn} plus ${turn}?` });
    if (turn % 3 === 2) {
      const id = `${marker}_call_${turn}`;
      messages.push({
        role: 'assistant',
        content: '',
        toolCalls: [{ id, name: 'add', input: { a: turn, b: turn } }],
      });
      messages.push({ role: 'tool', toolCallId: id, toolName: 'add', content: { sum: turn * 2 } });
    }
    messages.push({ role: 'assistant', content: `${marker} answer ${turn}: ${turn * 2}` });
  }
  return messages;
}
