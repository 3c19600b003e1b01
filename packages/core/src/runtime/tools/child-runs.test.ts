/** Child runs: deterministic ids that find the same child again, budget carving, and runtimes without support. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import type { ToolContext } from '../../contracts/tool.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';
import { childRunId, childRunnerOf, tightestBudget } from './child-runs.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('child runs', () => {
  it('takes the tightest value of each limit and leaves limits nobody sets unset', () => {
    expect(
      tightestBudget({ maxSteps: 5, maxCostUsd: 1 }, undefined, { maxSteps: 2, maxToolCalls: 0 }, {}),
    ).toEqual({ maxSteps: 2, maxCostUsd: 1, maxToolCalls: 0 });
  });

  it('a call that runs its child again finds the same child run instead of starting another', async () => {
    let runtime: Runtime | undefined;
    const twice = defineTool({
      name: 'twice',
      description: 'Asks the worker the same thing twice within one call',
      input: z.object({ task: z.string() }),
      sideEffects: 'idempotent',
      execute: async ({ task }, context) => {
        const runner = childRunnerOf(runtime!);
        const first = await runner.run({ agent: 'worker', input: task }, context);
        const again = await runner.run({ agent: 'worker', input: task }, context);
        return { first: first.output, again: again.output, sameRun: first.runId === again.runId };
      },
    });
    const worker = new ScriptedModel({ script: ['from the worker'], record: true });
    runtime = await createRuntime({
      config: {
        version: 1,
        models: {
          lead: {
            provider: 'scripted',
            script: [{ toolCalls: [{ tool: 'twice', input: { task: 'hello' } }] }, 'done'],
          },
        },
        agents: { lead: { model: 'lead' }, worker: { model: 'worker' } },
      },
      models: { worker },
      tools: [twice],
    });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'lead', input: 'go', runId: 'lead-1' });
    expect(result.status).toBe('completed');
    const succeeded = (await runtime.runs.events(result.runId)).filter(
      (event) => event.type === 'tool.succeeded',
    );
    expect(succeeded).toHaveLength(1);
    expect(worker.calls).toHaveLength(1);
    const children = await runtime.runs.list({ parentRunId: 'lead-1' });
    expect(children.map((child) => child.runId)).toEqual([childRunId('lead-1:1:call_1_1')]);
  });

  it('refuses a tool call whose run is not active in the runtime', async () => {
    const runtime = await createRuntime({ config: { version: 1 } });
    opened.push(runtime);
    const signal = new AbortController().signal;
    const context: ToolContext = {
      callId: 'elsewhere:0:c',
      idempotencyKey: 'elsewhere:0:c',
      runId: 'elsewhere',
      sessionId: 'elsewhere',
      agentId: 'lead',
      step: 0,
      signal,
    };
    await expect(childRunnerOf(runtime).run({ agent: 'worker', input: 'x' }, context)).rejects.toMatchObject({
      code: 'tool.failed',
      hint: expect.stringContaining('runtime that loaded them'),
    });
  });

  it('a runtime without child runs says so when a delegating tool runs', async () => {
    const bare = { kind: 'runtime' } as unknown as Runtime;
    await expect(
      childRunnerOf(bare).run({ agent: 'a', input: 'b' }, {} as ToolContext),
    ).rejects.toMatchObject({ code: 'plugin.create_failed' });
  });
});
