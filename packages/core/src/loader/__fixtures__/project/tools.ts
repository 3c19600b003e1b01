/** Fixture: a tool exported directly (the shape defineTool returns). */
import { z } from 'zod';

export const sendEmail = Object.freeze({
  kind: 'tool' as const,
  specVersion: 1 as const,
  name: 'send_email',
  description: 'Sends an email',
  input: z.object({ to: z.string(), body: z.string() }),
  sideEffects: 'unsafe' as const,
  approval: 'never' as const,
  execute: async (input: { to: string }) => `sent to ${input.to}`,
});
