/** The custom tool passes the tool conformance suite and counts what it says it counts. */

import type { Tool } from '@agentry/core';
import { describeToolConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { wordCount } from './word-count-tool.js';

describeToolConformance({
  name: 'word_count (example)',
  create: () => wordCount as Tool,
  validInput: { text: 'one two three' },
  invalidInput: { text: 42 },
  checkOutput: (output) => expect(output).toEqual({ words: 3, characters: 13, lines: 1 }),
});

describe('wordCount', () => {
  it('counts words, characters and lines', async () => {
    const output = await wordCount.execute({ text: 'Grüße an alle\nund tschüss' }, makeToolContext());
    expect(output).toEqual({ words: 5, characters: 25, lines: 2 });
  });

  it('counts an empty text as zero of everything', async () => {
    expect(await wordCount.execute({ text: '' }, makeToolContext())).toEqual({
      words: 0,
      characters: 0,
      lines: 0,
    });
  });
});
