import { describe, expect, it } from 'vitest';
import type { Budget, RunUsage } from '../../contracts/run.js';
import { BudgetExceededError } from '../../errors/budget-exceeded-error.js';
import { emptyUsage, mergeBudgets, RunBudget } from './budget.js';

const pricing = { inputPerMillion: 3, outputPerMillion: 15 };

function budget(limits: Budget, usage: Partial<RunUsage> = {}, priced = true) {
  return new RunBudget(limits, { ...emptyUsage(), ...usage }, priced ? pricing : undefined);
}

function stop(action: () => unknown): BudgetExceededError {
  try {
    action();
  } catch (error) {
    if (error instanceof BudgetExceededError) return error;
    throw error;
  }
  throw new Error('expected the budget to stop the call');
}

describe('limits hold at exactly the limit', () => {
  it('maxSteps: model call number maxSteps is refused, the one before it is made', () => {
    const limits = budget({ maxSteps: 3 });
    expect(() => limits.beforeModelCall(2)).not.toThrow();
    const error = stop(() => limits.beforeModelCall(3));
    expect([error.limit, error.used, error.max, error.stopReason]).toEqual(['maxSteps', 3, 3, 'max_steps']);
  });

  it('maxToolCalls: the call after the last allowed one is refused', () => {
    expect(() => budget({ maxToolCalls: 2 }, { toolCalls: 1 }).beforeToolCall()).not.toThrow();
    const error = stop(() => budget({ maxToolCalls: 2 }, { toolCalls: 2 }).beforeToolCall());
    expect([error.limit, error.used, error.max, error.stopReason]).toEqual([
      'maxToolCalls',
      2,
      2,
      'budget_exhausted',
    ]);
  });

  it.each([
    ['maxInputTokens', 'inputTokens', 100],
    ['maxOutputTokens', 'outputTokens', 100],
    ['maxTotalTokens', 'totalTokens', 100],
    ['maxCostUsd', 'costUsd', 0.5],
  ] as const)(
    '%s: usage one below passes, usage at the limit stops model and tool calls',
    (limit, field, max) => {
      const below = field === 'costUsd' ? max - 0.01 : max - 1;
      expect(() => budget({ [limit]: max }, { [field]: below }).beforeModelCall(0)).not.toThrow();
      expect(() => budget({ [limit]: max }, { [field]: below }).beforeToolCall()).not.toThrow();
      const atModel = stop(() => budget({ [limit]: max }, { [field]: max }).beforeModelCall(0));
      expect([atModel.limit, atModel.used, atModel.max]).toEqual([limit, max, max]);
      const atTool = stop(() => budget({ [limit]: max }, { [field]: max }).beforeToolCall());
      expect(atTool.limit).toBe(limit);
    },
  );
});

describe('counting usage and cost', () => {
  it('prices input and output tokens separately, per million', () => {
    const usage = emptyUsage();
    const run = new RunBudget({}, usage, pricing);
    const cost = run.recordModelCall({ inputTokens: 1_000_000, outputTokens: 0, totalTokens: 1_000_000 });
    expect(cost).toBe(3);
    expect(run.recordModelCall({ inputTokens: 0, outputTokens: 2_000_000, totalTokens: 2_000_000 })).toBe(30);
    expect(usage).toMatchObject({
      modelCalls: 2,
      inputTokens: 1_000_000,
      outputTokens: 2_000_000,
      totalTokens: 3_000_000,
      costUsd: 33,
    });
    run.recordToolCall();
    expect(usage.toolCalls).toBe(1);
  });

  it('costs nothing without pricing, but still counts tokens', () => {
    const usage = emptyUsage();
    const run = new RunBudget({ maxCostUsd: 1 }, usage, undefined);
    expect(run.recordModelCall({ inputTokens: 10, outputTokens: 5, totalTokens: 15 })).toBe(0);
    expect(usage).toMatchObject({ costUsd: 0, totalTokens: 15, modelCalls: 1 });
  });
});

describe('pre-emptive output caps', () => {
  it('needs no input count or cap without token or priced cost limits', () => {
    const run = budget({ maxSteps: 5, maxCostUsd: 1 }, {}, false);
    expect(run.countsInput).toBe(false);
    expect(run.capsOutput).toBe(false);
    expect(run.outputCapFor(1_000)).toBeUndefined();
  });

  it('says which limits need the input counted and the output capped', () => {
    expect(budget({ maxInputTokens: 5 }).countsInput).toBe(true);
    expect(budget({ maxInputTokens: 5 }).capsOutput).toBe(false);
    expect(budget({ maxOutputTokens: 5 }).countsInput).toBe(false);
    expect(budget({ maxOutputTokens: 5 }).capsOutput).toBe(true);
    expect(budget({ maxTotalTokens: 5 }).countsInput).toBe(true);
    expect(budget({ maxTotalTokens: 5 }).capsOutput).toBe(true);
    expect(budget({ maxCostUsd: 1 }).countsInput).toBe(true);
    expect(budget({ maxCostUsd: 1 }).capsOutput).toBe(true);
    const inputOnlyPricing = new RunBudget({ maxCostUsd: 1 }, emptyUsage(), {
      inputPerMillion: 1,
      outputPerMillion: 0,
    });
    expect(inputOnlyPricing.capsOutput).toBe(false);
    expect(inputOnlyPricing.outputCapFor(10)).toBeUndefined();
  });

  it('allows input up to exactly maxInputTokens and refuses one token more', () => {
    expect(budget({ maxInputTokens: 100 }, { inputTokens: 60 }).outputCapFor(40)).toBeUndefined();
    const error = stop(() => budget({ maxInputTokens: 100 }, { inputTokens: 60 }).outputCapFor(41));
    expect([error.limit, error.used, error.max]).toEqual(['maxInputTokens', 60, 100]);
    expect(error.message).toContain('the next model call has 41 input tokens');
  });

  it('caps output at what is left of maxOutputTokens and maxTotalTokens, the tighter one binding', () => {
    expect(budget({ maxOutputTokens: 50 }, { outputTokens: 20 }).outputCapFor(1_000)).toEqual({
      tokens: 30,
      limit: 'maxOutputTokens',
    });
    expect(budget({ maxTotalTokens: 100 }, { totalTokens: 40 }).outputCapFor(50)).toEqual({
      tokens: 10,
      limit: 'maxTotalTokens',
    });
    expect(
      budget({ maxOutputTokens: 50, maxTotalTokens: 100 }, { totalTokens: 40 }).outputCapFor(20),
    ).toEqual({ tokens: 40, limit: 'maxTotalTokens' });
    expect(budget({ maxOutputTokens: 5, maxTotalTokens: 100 }, { totalTokens: 40 }).outputCapFor(20)).toEqual(
      { tokens: 5, limit: 'maxOutputTokens' },
    );
  });

  it('allows a call whose input and one output token reach the total exactly, not one more', () => {
    expect(budget({ maxTotalTokens: 100 }, { totalTokens: 40 }).outputCapFor(59)).toEqual({
      tokens: 1,
      limit: 'maxTotalTokens',
    });
    const error = stop(() => budget({ maxTotalTokens: 100 }, { totalTokens: 40 }).outputCapFor(60));
    expect([error.limit, error.used, error.max]).toEqual(['maxTotalTokens', 40, 100]);
    expect(error.message).toContain('no output token would fit');
  });

  it('prices the input of the next call into the cost cap', () => {
    // $1 left; 100k input tokens cost $0.30, leaving $0.70 = 46 666 output tokens at $15 per million.
    const cap = budget({ maxCostUsd: 1 }).outputCapFor(100_000);
    expect(cap).toEqual({ tokens: 46_666, limit: 'maxCostUsd' });
    // Input alone past the limit: refused before the call.
    const error = stop(() => budget({ maxCostUsd: 1 }, { costUsd: 0.9 }).outputCapFor(100_000));
    expect([error.limit, error.used, error.max]).toEqual(['maxCostUsd', 0.9, 1]);
    // Input that costs exactly what is left still passes the input check but leaves no output token.
    const noRoom = stop(() => budget({ maxCostUsd: 0.3 }).outputCapFor(100_000));
    expect(noRoom.message).toContain('no output token would fit');
  });

  it('names the used amount of the limit that cut an answer short', () => {
    const run = budget(
      { maxOutputTokens: 10, maxTotalTokens: 100, maxCostUsd: 2 },
      { outputTokens: 10, totalTokens: 70, costUsd: 1.5 },
    );
    expect(run.cutShort({ tokens: 10, limit: 'maxOutputTokens' })).toMatchObject({ used: 10, max: 10 });
    expect(run.cutShort({ tokens: 10, limit: 'maxTotalTokens' })).toMatchObject({ used: 70, max: 100 });
    const cost = run.cutShort({ tokens: 7, limit: 'maxCostUsd' });
    expect(cost).toMatchObject({ limit: 'maxCostUsd', used: 1.5, max: 2 });
    expect(cost.message).toContain('cut at the 7 output tokens the budget left');
  });
});

describe('mergeBudgets', () => {
  it('lets request values win, but not request keys left undefined', () => {
    expect(mergeBudgets({ maxSteps: 5, maxToolCalls: 2 }, { maxSteps: 9, maxToolCalls: undefined })).toEqual({
      maxSteps: 9,
      maxToolCalls: 2,
    });
    expect(mergeBudgets(undefined, { maxSteps: 1 })).toEqual({ maxSteps: 1 });
    expect(mergeBudgets({ maxSteps: 2 }, undefined)).toEqual({ maxSteps: 2 });
    expect(mergeBudgets(undefined, undefined)).toEqual({});
  });
});
