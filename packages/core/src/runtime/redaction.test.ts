import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../contracts/runtime.js';
import { defineTool } from '../plugin/define-tool.js';
import { createRuntime } from './create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('secrets in events', () => {
  it('never stores or publishes a configured secret, even when the model passes it to a tool', async () => {
    const secret = 'sk-test-0123456789abcdef';
    const login = defineTool({
      name: 'login',
      description: 'Logs in',
      input: z.object({ user: z.string(), password: z.string() }),
      sideEffects: 'none',
      execute: ({ user }) => `welcome ${user}, your key is ${secret}`,
    });
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: {
          demo: {
            provider: 'scripted',
            script: [
              {
                toolCalls: [
                  { tool: 'login', input: { user: 'ada', password: 'hunter2-long', note: secret } },
                ],
              },
              `done with ${secret}`,
            ],
          },
        },
        agents: { assistant: { model: 'demo', description: ['Uses $', '{env:DEMO_API_KEY}'].join('') } },
      },
      env: { DEMO_API_KEY: secret },
      tools: [login],
    });
    opened.push(runtime);
    const published: string[] = [];
    runtime.events.onAny((event) => {
      published.push(JSON.stringify(event));
    });
    const result = await runtime.run({ agent: 'assistant', input: `use ${secret}` });
    const stored = JSON.stringify(await runtime.runs.events(result.runId));
    expect(stored).toContain('tool.requested');
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain('hunter2-long');
    expect(published.join('\n')).not.toContain(secret);
    expect(result.output).toContain(secret);
    expect(JSON.stringify(await runtime.runs.get(result.runId))).not.toContain(secret);
  });
});
