import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Tool } from '../contracts/tool.js';
import { defineTool } from './define-tool.js';

describe('defineTool', () => {
  it('returns a frozen tool usable wherever a Tool is expected, approval function included', async () => {
    const gated = defineTool({
      name: 'send-email',
      description: 'Sends an email',
      input: z.object({ to: z.string() }),
      sideEffects: 'unsafe',
      approval: (input) => !input.to.endsWith('@example.com'),
      execute: ({ to }) => ({ sent: to }),
    });
    const tools: Tool[] = [gated];
    expect(Object.isFrozen(tools[0])).toBe(true);
    expect(tools[0]).toMatchObject({
      kind: 'tool',
      specVersion: 1,
      name: 'send-email',
      sideEffects: 'unsafe',
    });
  });

  it('defaults approval to never and rejects names providers refuse', () => {
    const plain = defineTool({
      name: 'add',
      description: 'Adds',
      input: z.object({ a: z.number(), b: z.number() }),
      sideEffects: 'none',
      execute: ({ a, b }) => a + b,
    });
    expect(plain.approval).toBe('never');
    expect(() =>
      defineTool({
        name: 'has space',
        description: '',
        input: z.object({}),
        sideEffects: 'none',
        execute: () => 1,
      }),
    ).toThrow(/not valid/);
  });
});
