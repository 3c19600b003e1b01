/** Splits a message list into units that must be kept or dropped together (a tool call and its results). */
import type { Message } from '@agentry/core';

/** Messages `start` (inclusive) to `end` (exclusive) of the list; `orphan` for tool results with no call before them. */
export interface MessageGroup {
  start: number;
  end: number;
  orphan: boolean;
}

/**
 * Groups `messages`: an assistant message with tool calls together with the
 * tool results that follow it form one group; every other message is a
 * group of its own. Tool results that answer no earlier call in their group
 * are `orphan` groups, which assemblers drop.
 */
export function groupMessages(messages: readonly Message[]): MessageGroup[] {
  const groups: MessageGroup[] = [];
  let index = 0;
  while (index < messages.length) {
    const message = messages[index]!;
    if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
      const ids = new Set(message.toolCalls.map((call) => call.id));
      let end = index + 1;
      while (end < messages.length) {
        const next = messages[end]!;
        if (next.role !== 'tool' || !ids.has(next.toolCallId)) break;
        end++;
      }
      groups.push({ start: index, end, orphan: false });
      index = end;
    } else {
      groups.push({ start: index, end: index + 1, orphan: message.role === 'tool' });
      index++;
    }
  }
  return groups;
}

/** The messages of the selected groups, in their original order. */
export function collectGroups(
  messages: readonly Message[],
  groups: readonly MessageGroup[],
  selected: readonly boolean[],
): Message[] {
  const output: Message[] = [];
  groups.forEach((group, position) => {
    if (!selected[position]) return;
    for (let index = group.start; index < group.end; index++) output.push(messages[index]!);
  });
  return output;
}

/** A system note telling the model how many earlier messages were left out. */
export function omissionNote(omitted: number, why: string): Message {
  return {
    role: 'system',
    content: `[Context note: ${omitted} earlier message${omitted === 1 ? ' was' : 's were'} left out ${why}.]`,
  };
}
