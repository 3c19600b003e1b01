import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A script of `steps` turns that each call `note`, then a final answer. */
function looping(steps: number) {
  return [
    ...Array.from({ length: steps }, (_, index) => ({
      toolCalls: [{ tool: 'note', input: { value: `n${index}` } }],
      usage: { inputTokens: 100, outputTokens: 10 },
    })),
    { text: 'done', usage: { inputTokens: 100, outputTokens: 10 } },
  ];
}

async function budgetRun(
  budget: Record<string, number>,
  options: { pricing?: { inputPerMillion: number; outputPerMillion: number } } = {},
) {
  const note = recordingTool('note', { sideEffects: 'none' });
  const { runtime } = await configRuntime(looping(20), { budget }, { tools: [note.tool], ...options });
  opened.push(runtime);
  const seen: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    seen.push(event);
  });
  const result = await runtime.run({ agent: 'assistant', input: 'loop' });
  const exceeded = seen.filter((event) => event.type === 'budget.exceeded').map((event) => event.data);
  return { result, exceeded, note };
}

describe('budgets', () => {
  it('maxSteps stops with max_steps', async () => {
    const { result, exceeded } = await budgetRun({ maxSteps: 3 });
    expect(result.status).toBe('failed');
    expect(result.stopReason).toBe('max_steps');
    expect(result.usage.modelCalls).toBe(3);
    expect(result.error?.code).toBe('budget.exhausted');
    expect(exceeded).toEqual([{ limit: 'maxSteps', used: 3, max: 3 }]);
  });

  it("the pattern's own maxSteps also stops with max_steps", async () => {
    const note = recordingTool('note', { sideEffects: 'none' });
    const { runtime } = await configRuntime(
      looping(20),
      { pattern: { type: 'tool-loop', config: { maxSteps: 2 } } },
      { tools: [note.tool] },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'loop' });
    expect(result.stopReason).toBe('max_steps');
    expect(result.usage.modelCalls).toBe(2);
  });

  it('maxToolCalls stops with budget_exhausted before the call past the limit', async () => {
    const { result, exceeded, note } = await budgetRun({ maxToolCalls: 2 });
    expect(result.stopReason).toBe('budget_exhausted');
    expect(note.executed).toHaveLength(2);
    expect(exceeded).toEqual([{ limit: 'maxToolCalls', used: 2, max: 2 }]);
  });

  it('token limits stop with budget_exhausted before the call that could pass them, and name the limit', async () => {
    // Each call: 100 input + 10 output tokens. The third call's worst case would pass each limit.
    for (const [limit, max, used] of [
      ['maxInputTokens', 250, 200],
      ['maxTotalTokens', 300, 220],
    ] as const) {
      const { result, exceeded } = await budgetRun({ [limit]: max });
      expect(result.stopReason, limit).toBe('budget_exhausted');
      expect(exceeded, limit).toEqual([{ limit, used, max }]);
      expect(result.usage.modelCalls, limit).toBe(2);
      expect(result.error?.message, limit).toContain('the next model call has 100 input tokens');
    }
  });

  it("maxOutputTokens lowers the last call's output cap; the cut answer stops the run at the limit", async () => {
    const note = recordingTool('note', { sideEffects: 'none' });
    const { runtime, model } = await configRuntime(
      looping(20),
      { budget: { maxOutputTokens: 25 } },
      {
        tools: [note.tool],
      },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'loop' });
    expect(model.calls.map((call) => call.maxOutputTokens)).toEqual([25, 15, 5]);
    expect(result.stopReason).toBe('budget_exhausted');
    expect(result.usage.outputTokens).toBe(25);
    expect(note.executed).toHaveLength(2);
    expect(result.error?.message).toContain('cut at the 5 output tokens the budget left');
  });

  it('maxCostUsd prices the next call before it is made', async () => {
    const { result, exceeded } = await budgetRun(
      { maxCostUsd: 0.0003 },
      { pricing: { inputPerMillion: 1, outputPerMillion: 2 } },
    );
    expect(result.stopReason).toBe('budget_exhausted');
    expect(exceeded.map((data) => data.limit)).toEqual(['maxCostUsd']);
    expect(result.usage.modelCalls).toBe(2);
    expect(result.usage.costUsd).toBeCloseTo(0.00024, 10);
  });

  it('a request budget overrides the agent budget', async () => {
    const note = recordingTool('note', { sideEffects: 'none' });
    const { runtime } = await configRuntime(looping(5), { budget: { maxSteps: 2 } }, { tools: [note.tool] });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'loop', budget: { maxSteps: 10 } });
    expect(result.status).toBe('completed');
  });

  it('maxDurationMs stops a run whose tool ignores the abort signal, long before the tool finishes', async () => {
    let finished = false;
    const stubborn = defineTool({
      name: 'note',
      description: 'Ignores the abort signal and takes 10 s',
      input: z.object({ value: z.string() }),
      sideEffects: 'none',
      execute: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10_000).unref());
        finished = true;
        return 'late';
      },
    });
    const { runtime } = await configRuntime(
      looping(3),
      { budget: { maxDurationMs: 200 } },
      { tools: [stubborn] },
    );
    opened.push(runtime);
    const seen: AnyAgentryEvent[] = [];
    runtime.events.onAny((event) => {
      seen.push(event);
    });
    const result = await runtime.run({ agent: 'assistant', input: 'slow' });
    expect(result.status).toBe('failed');
    expect(result.stopReason).toBe('timeout');
    expect(result.error?.code).toBe('run.timeout');
    expect(finished).toBe(false);
    expect(
      seen.some((event) => event.type === 'budget.exceeded' && event.data.limit === 'maxDurationMs'),
    ).toBe(true);
  });

  it('cancel stops a running run with cancelled, and the tool sees the abort', async () => {
    let signalSeen: AbortSignal | undefined;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const waiting = defineTool({
      name: 'note',
      description: 'Waits for the abort signal',
      input: z.object({ value: z.string() }),
      sideEffects: 'none',
      execute: (_input, context) =>
        new Promise<string>((_resolve, reject) => {
          signalSeen = context.signal;
          started();
          context.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const { runtime } = await configRuntime(looping(3), {}, { tools: [waiting] });
    opened.push(runtime);
    const pending = runtime.run({ agent: 'assistant', input: 'wait', runId: 'run-to-cancel' });
    await running;
    await runtime.cancel('run-to-cancel', 'user pressed stop');
    const result = await pending;
    expect(result.status).toBe('cancelled');
    expect(result.stopReason).toBe('cancelled');
    expect(signalSeen?.aborted).toBe(true);
    const events = await runtime.runs.events('run-to-cancel');
    expect(events.at(-1)).toMatchObject({ type: 'run.cancelled', data: { reason: 'user pressed stop' } });
    expect((await runtime.runs.get('run-to-cancel'))?.status).toBe('cancelled');
  });

  it('cancel from inside a synchronous tool stops the run with cancelled; its result is not used', async () => {
    let runtime!: Runtime;
    const cancelling = defineTool({
      name: 'note',
      description: 'Cancels its own run, then returns',
      input: z.object({ value: z.string() }),
      sideEffects: 'none',
      execute: (_input, context) => {
        void runtime.cancel(context.runId, 'the tool asked to stop');
        return 'finished anyway';
      },
    });
    ({ runtime } = await configRuntime(looping(3), {}, { tools: [cancelling] }));
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'go', runId: 'run-cancels-itself' });
    expect(result.status).toBe('cancelled');
    expect(result.stopReason).toBe('cancelled');
    const events = await runtime.runs.events('run-cancels-itself');
    expect(events.some((event) => event.type === 'tool.succeeded')).toBe(false);
    expect(events.at(-1)).toMatchObject({
      type: 'run.cancelled',
      data: { reason: 'the tool asked to stop' },
    });
  });

  it("the caller's AbortSignal cancels the run", async () => {
    const controller = new AbortController();
    const note = defineTool({
      name: 'note',
      description: 'Aborts the run from inside',
      input: z.object({ value: z.string() }),
      sideEffects: 'none',
      execute: () => {
        controller.abort();
        return 'ok';
      },
    });
    const { runtime } = await configRuntime(looping(3), {}, { tools: [note] });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'x', signal: controller.signal });
    expect(result.stopReason).toBe('cancelled');
  });
});
