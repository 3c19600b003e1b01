/** Test helper: a tool that holds its run until released, so the run keeps its session while a test acts. */
import { defineTool } from '@agentry/core';
import { z } from 'zod';

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
