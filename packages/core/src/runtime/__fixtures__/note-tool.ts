/** Test helper: a side-effect-free tool that returns the note it is given (`{ kept: value }`). */
import { z } from 'zod';
import { defineTool } from '../../plugin/define-tool.js';

export const noteTool = defineTool({
  name: 'note',
  description: 'Keeps a note',
  input: z.object({ value: z.string() }),
  sideEffects: 'none',
  execute: (input) => ({ kept: input.value }),
});
