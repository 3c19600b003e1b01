import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Tool, ToolContext } from '../contracts/tool.js';
import { withApproval } from './plugin-exports.js';

class EchoTool implements Tool<{ text: string }, string> {
  readonly kind = 'tool' as const;
  readonly specVersion = 1 as const;
  readonly name = 'echo';
  readonly description = 'Echoes';
  readonly input = z.object({ text: z.string() });
  readonly sideEffects = 'none' as const;
  readonly approval = 'never' as const;
  private readonly prefix = '> ';
  execute(input: { text: string }): string {
    return this.prefix + input.text;
  }
}

describe('withApproval (tool slot `approval:` override)', () => {
  it('overrides the approval rule of a class-based tool and keeps its methods and state', async () => {
    const tool = withApproval(new EchoTool(), 'always') as Tool<{ text: string }, string>;
    expect(tool.approval).toBe('always');
    expect(tool.name).toBe('echo');
    expect(await tool.execute({ text: 'hi' }, {} as ToolContext)).toBe('> hi');
  });

  it('applies to every tool of a tool source and leaves slots without an override untouched', () => {
    const original = new EchoTool();
    expect(withApproval(original, undefined)).toBe(original);
    const tools = withApproval([new EchoTool(), new EchoTool()], 'always') as Tool[];
    expect(tools.map((tool) => tool.approval)).toEqual(['always', 'always']);
  });
});
