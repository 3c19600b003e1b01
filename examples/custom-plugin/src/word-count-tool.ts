/** wordCount: a custom tool declared with `defineTool` — counts words, characters and lines of a text. */
import { defineTool } from '@agentry/core/plugin';
import { z } from 'zod';

/**
 * Counts the words, characters and lines of a text. It touches nothing
 * outside itself, so it declares `sideEffects: 'none'`: after a crash the
 * runtime may simply run it again. List it in an agent's `tools` with
 * `{ impl: ./src/word-count-tool.ts#wordCount }`.
 */
export const wordCount = defineTool({
  name: 'word_count',
  description: 'Counts the words, characters and lines of a text.',
  input: z.strictObject({
    text: z.string().max(100_000).describe('The text to count.'),
  }),
  sideEffects: 'none',
  approval: 'never',
  execute: ({ text }, context) => {
    // Honour cancellation: a cancelled or timed-out run aborts this signal.
    context.signal.throwIfAborted();
    const words = text.trim() === '' ? 0 : text.trim().split(/\s+/u).length;
    return { words, characters: [...text].length, lines: text === '' ? 0 : text.split('\n').length };
  },
});
