/** A tool module loaded through a config slot (`impl: ./slot-tools.ts#send`) by the runtime tests. */
import { z } from 'zod';

/** Calls made, shared through globalThis because the loader imports this file separately from the test. */
function sentLog(): string[] {
  const holder = globalThis as { __agentrySlotToolSent?: string[] };
  holder.__agentrySlotToolSent ??= [];
  return holder.__agentrySlotToolSent;
}

/** Sends a message; declares no approval of its own (the config slot adds `approval: always`). */
export const send = {
  kind: 'tool' as const,
  specVersion: 1 as const,
  name: 'send',
  description: 'Sends a message',
  input: z.object({ to: z.string() }),
  sideEffects: 'unsafe' as const,
  approval: 'never' as const,
  execute: ({ to }: { to: string }) => {
    sentLog().push(to);
    return `sent to ${to}`;
  },
};
