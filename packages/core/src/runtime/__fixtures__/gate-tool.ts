/** Test helper: a tool that holds its run until released, so the run stays active while a test acts on it. */
import { z } from 'zod';
import { defineTool } from '../../plugin/define-tool.js';

/** `inside` resolves when the tool runs; the tool returns once `release()` is called. */
export function gateTool(name = 'hold') {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const tool = defineTool({
    name,
    description: 'Holds the run until released',
    input: z.object({}),
    sideEffects: 'none',
    execute: async () => {
      entered();
      await released;
      return 'released';
    },
  });
  return { tool, release, inside };
}
