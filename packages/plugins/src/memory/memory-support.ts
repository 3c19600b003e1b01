/** Shared parts of the memory plugins: the `onError` option and turn boundaries. */
import type { Message } from '@agentry/core';
import { z } from 'zod';

/** The `onError` option every memory takes. */
export const onErrorSchema = z
  .enum(['continue', 'fail'])
  .default('continue')
  .describe(
    'What a failure of this memory does to the run: `continue` (the runtime reports a `memory.failed` event and the run goes on without it) or `fail` (the run fails).',
  );

/** Index of the first message of each turn (a turn starts at a user message), oldest first. */
export function turnStarts(messages: readonly Message[]): number[] {
  const starts: number[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'user') starts.push(index);
  });
  return starts;
}

/**
 * Moves a cut point forward until the messages from it on are well formed:
 * to the next user message when there is one, otherwise past tool results
 * whose call would be cut off.
 */
export function safeStart(messages: readonly Message[], from: number): number {
  for (let index = from; index < messages.length; index++) {
    if (messages[index]!.role === 'user') return index;
  }
  return skipToolResults(messages, from);
}

/** Moves a cut point past tool results at the start (their call is before the cut). */
export function skipToolResults(messages: readonly Message[], from: number): number {
  let index = from;
  while (index < messages.length && messages[index]!.role === 'tool') index++;
  return index;
}
