/** Input sent into an active run (`runtime.send`) as plan-execute and reflexion receive it. */
import {
  createRuntime,
  defineTool,
  type Message,
  type Runtime,
  ScriptedModel,
  type ScriptedModelOptions,
} from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

/** A tool that holds the run until released. */
function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const tool = defineTool({
    name: 'hold',
    description: 'Holds the run',
    input: z.object({}),
    sideEffects: 'none',
    execute: async () => {
      entered();
      await released;
      return 'held';
    },
  });
  return { tool, release, inside };
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function steeredRuntime(pattern: string, script: ScriptedModelOptions['script']) {
  const held = gate();
  const model = new ScriptedModel({ script, record: true });
  const runtime = await createRuntime({
    config: { version: 1, store: 'memory', agents: { agent: { model: 'demo', pattern } } },
    models: { demo: model },
    tools: [held.tool],
  });
  opened.push(runtime);
  return { runtime, model, held };
}

function texts(messages: readonly Message[]): string[] {
  return messages.map((message) => String(message.content));
}

describe('steering plan-execute and reflexion', () => {
  it('plan-execute makes a new plan with the input once the running step has its tool results', async () => {
    const { runtime, model, held } = await steeredRuntime('plan-execute', [
      '["Collect the numbers"]',
      { toolCalls: [{ tool: 'hold', input: {} }] },
      '["Report in euros"]',
      'Reported in euros.',
      'Total: 12 EUR',
    ]);
    const run = runtime.run({ agent: 'agent', input: 'Sum the invoices', runId: 'plan-steer' });
    await held.inside;
    await runtime.send('plan-steer', 'Report in euros, not dollars');
    held.release();
    const result = await run;
    expect(result).toMatchObject({ status: 'completed', output: 'Total: 12 EUR' });
    const plans = (await runtime.runs.events('plan-steer')).filter(
      (event) => event.type === 'pattern.planned',
    );
    expect(plans.map((event) => event.data)).toEqual([
      { plan: ['Collect the numbers'], replans: 0 },
      { plan: ['Report in euros'], replans: 0 },
    ]);
    const replan = texts(model.calls[2]!.messages);
    expect(replan.at(-2)).toBe('Report in euros, not dollars');
    expect(replan.at(-1)).toMatch(/^New input from the user arrived \(above\)\. Make a new plan/);
  });

  it('reflexion gives the input to the next attempt', async () => {
    const { runtime, model, held } = await steeredRuntime('reflexion', [
      { toolCalls: [{ tool: 'hold', input: {} }] },
      'A long answer.',
      'APPROVED',
    ]);
    const run = runtime.run({ agent: 'agent', input: 'Explain leases', runId: 'reflect-steer' });
    await held.inside;
    await runtime.send('reflect-steer', 'Keep it to one sentence');
    held.release();
    expect(await run).toMatchObject({ status: 'completed', output: 'A long answer.' });
    const attempt = model.calls[1]!.messages;
    expect(attempt.at(-2)?.role).toBe('tool');
    expect(attempt.at(-1)).toEqual({ role: 'user', content: 'Keep it to one sentence' });
  });
});
