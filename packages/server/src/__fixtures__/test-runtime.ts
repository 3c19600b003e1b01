/** A runtime for API tests: a scripted model that writes a note through a tool that always needs approval. */
import { createRuntime, defineTool, type Queue, type Redactor, type Runtime } from '@agentry/core';
import { z } from 'zod';

/** Notes the `write-note` tool wrote, by path. */
export type Notes = Map<string, string>;

/** The config object the runtime is made from (as the server's `config` option shows it). */
export function noteConfig(): Record<string, unknown> {
  return {
    version: 1,
    store: 'memory',
    models: {
      demo: {
        provider: 'scripted',
        script: [
          {
            text: 'Writing it.',
            toolCalls: [{ tool: 'write-note', input: { path: 'a.md', content: 'hello' } }],
          },
          'Done.',
        ],
      },
    },
    agents: {
      writer: {
        model: 'demo',
        description: ['Writes notes with key $', '{env:DEMO_API_KEY}'].join(''),
        durable: true,
        budget: { maxSteps: 4 },
      },
    },
  };
}

export async function noteRuntime(
  options: { secret?: string; redactor?: Redactor; queue?: Queue } = {},
): Promise<{ runtime: Runtime; notes: Notes }> {
  const notes: Notes = new Map();
  const writeNote = defineTool({
    name: 'write-note',
    description: 'Writes a note',
    input: z.object({ path: z.string().min(1), content: z.string() }).strict(),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: ({ path, content }) => {
      notes.set(path, content);
      return `wrote ${path}`;
    },
  });
  const runtime = await createRuntime({
    config: noteConfig(),
    env: { DEMO_API_KEY: options.secret ?? 'demo-key-0123456789' },
    tools: [writeNote],
    ...(options.redactor ? { redactor: options.redactor } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
  });
  return { runtime, notes };
}
