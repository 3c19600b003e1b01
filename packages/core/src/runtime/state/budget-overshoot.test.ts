/**
 * Pre-emptive budgets: whatever the limit and whatever the model answers, a run never ends above its token or
 * cost budget (overshoot 0), and it stops with `budget_exhausted`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Budget } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { ScriptItem } from '../../defaults/scripted-model-script.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const pricing = { inputPerMillion: 1, outputPerMillion: 1 };

async function run(script: ScriptItem[], budget: Budget) {
  const note = recordingTool('note', { sideEffects: 'none' });
  const { runtime, model } = await configRuntime(script, { budget }, { tools: [note.tool], pricing });
  opened.push(runtime);
  return { result: await runtime.run({ agent: 'assistant', input: 'loop' }), model };
}

/** 40 turns that call `note`, each answered with `usage`, or with estimated usage when it is undefined. */
function turns(usage?: { inputTokens: number; outputTokens: number }, text = 'thinking '.repeat(80)) {
  return Array.from({ length: 40 }, (_, index) => ({
    text,
    toolCalls: [{ tool: 'note', input: { value: `n${index}` } }],
    ...(usage ? { usage } : {}),
  }));
}

describe('pre-emptive budgets', () => {
  it('$0.0025 at $0.001 per call: no third call goes out, the run ends at $0.002', async () => {
    const { result, model } = await run(turns({ inputTokens: 500, outputTokens: 500 }), {
      maxCostUsd: 0.0025,
    });
    expect(result.stopReason).toBe('budget_exhausted');
    expect(model.calls).toHaveLength(2);
    expect(result.usage.costUsd).toBeCloseTo(0.002, 12);
  });

  it('2,500 tokens at 1,000 per call: no third call goes out, the run ends at 2,000', async () => {
    const { result, model } = await run(turns({ inputTokens: 500, outputTokens: 500 }), {
      maxTotalTokens: 2500,
    });
    expect(result.stopReason).toBe('budget_exhausted');
    expect(model.calls).toHaveLength(2);
    expect(result.usage.totalTokens).toBe(2000);
  });

  it('overshoot is 0 for every budget kind, fixed and estimated usage, over a sweep of limits', async () => {
    const kinds = ['maxInputTokens', 'maxOutputTokens', 'maxTotalTokens', 'maxCostUsd'] as const;
    const scripts = { fixed: turns({ inputTokens: 300, outputTokens: 200 }), estimated: turns() };
    const overshoots: string[] = [];
    let runs = 0;
    for (const kind of kinds) {
      for (const [usageKind, script] of Object.entries(scripts)) {
        for (const max of [1, 150, 499, 500, 501, 1234, 2500, 4321]) {
          const limit = kind === 'maxCostUsd' ? max / 1_000_000 : max;
          const { result } = await run(script, { [kind]: limit });
          runs += 1;
          const used = {
            maxInputTokens: result.usage.inputTokens,
            maxOutputTokens: result.usage.outputTokens,
            maxTotalTokens: result.usage.totalTokens,
            maxCostUsd: result.usage.costUsd,
          }[kind];
          if (used > limit) overshoots.push(`${kind}=${limit} (${usageKind}): used ${used}`);
          expect(result.stopReason, `${kind}=${limit} (${usageKind})`).toBe('budget_exhausted');
        }
      }
    }
    expect(runs).toBe(64);
    expect(overshoots).toEqual([]);
  });
});
