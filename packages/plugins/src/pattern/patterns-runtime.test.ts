import { type AnyAgentryEvent, createRuntime, defineTool } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  sideEffects: 'none',
  execute: ({ a, b }) => a + b,
});

describe('plan-execute and reflexion inside the runtime', () => {
  it('runs a YAML-style agent with plan-execute, window memory and a token budget, twice in one session', async () => {
    const script = [
      '["Add 2 and 3"]',
      { toolCalls: [{ tool: 'add', input: { a: 2, b: 3 } }] },
      'The sum is 5.',
      'The answer is 5.',
    ];
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script } },
        agents: {
          planner: {
            model: 'demo',
            instructions: 'You plan, then act.',
            pattern: { type: 'plan-execute', config: { maxReplans: 1 } },
            memory: { type: 'window', config: { maxTurns: 3 } },
            context: { type: 'token-budget', config: { maxTokens: 4000, strategy: 'importance' } },
          },
        },
      },
      tools: [add],
    });
    try {
      const events: AnyAgentryEvent[] = [];
      runtime.events.onAny((event) => void events.push(event));
      const first = await runtime.run({
        agent: 'planner',
        input: 'What is 2 + 3?',
        sessionId: 'session_plan',
      });
      expect(first).toMatchObject({ status: 'completed', output: 'The answer is 5.' });
      expect(first.usage.toolCalls).toBe(1);
      const planned = events.find((event) => event.type === 'pattern.planned');
      expect(planned?.data).toEqual({ plan: ['Add 2 and 3'], replans: 0 });
      expect(planned?.runId).toBe(first.runId);
      const second = await runtime.run({ agent: 'planner', input: 'Again?', sessionId: 'session_plan' });
      expect(second.status).toBe('completed');
      const injected = events.filter(
        (event) => event.type === 'memory.injected' && event.runId === second.runId,
      );
      expect(injected[0]?.data).toMatchObject({ memory: 'window' });
    } finally {
      await runtime.close();
    }
  });

  it('runs reflexion through the runtime and reports the revised answer', async () => {
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: {
          demo: { provider: 'scripted', script: ['draft', 'Too vague.', 'precise answer', 'APPROVED'] },
        },
        agents: { critic: { model: 'demo', pattern: 'reflexion', memory: 'buffer', context: 'truncating' } },
      },
    });
    try {
      const result = await runtime.run({ agent: 'critic', input: 'Explain.' });
      expect(result).toMatchObject({ status: 'completed', output: 'precise answer' });
      expect(result.usage.modelCalls).toBe(4);
    } finally {
      await runtime.close();
    }
  });
});
