import { describe, expect, it } from 'vitest';
import type { ModelPricing } from '../../contracts/model.js';
import type { Budget } from '../../contracts/run.js';
import { BudgetExceededError } from '../../errors/budget-exceeded-error.js';
import { emptyUsage, RunBudget } from './budget.js';

function capFor(limits: Budget, pricing: ModelPricing | undefined, inputTokens: number) {
  return new RunBudget(limits, emptyUsage(), pricing).outputCapFor(inputTokens);
}

/** The worst case of a call as the budget prices it before the call: its input, then its whole output cap. */
function worstCase(pricing: ModelPricing, inputTokens: number, outputTokens: number): number {
  return (
    (inputTokens * pricing.inputPerMillion) / 1_000_000 +
    (outputTokens * pricing.outputPerMillion) / 1_000_000
  );
}

describe('the output cap a cost limit sets', () => {
  it('lets the worst case land exactly on the limit', () => {
    const pricing = { inputPerMillion: 0, outputPerMillion: 1 };
    expect(capFor({ maxCostUsd: 0.002 }, pricing, 10)).toEqual({ tokens: 2_000, limit: 'maxCostUsd' });
  });

  it('prices output cheaper than a dollar per million tokens right', () => {
    const pricing = { inputPerMillion: 0, outputPerMillion: 0.5 };
    expect(capFor({ maxCostUsd: 0.001 }, pricing, 10)).toEqual({ tokens: 2_000, limit: 'maxCostUsd' });
  });

  it('never lets floating point rounding put the worst case above the limit', () => {
    // 0.7 USD, 1 input token at 0.7/M, output at 1.1/M: the division rounds to one token too many.
    const pricing = { inputPerMillion: 0.7, outputPerMillion: 1.1 };
    const cap = capFor({ maxCostUsd: 0.7 }, pricing, 1);
    expect(cap?.limit).toBe('maxCostUsd');
    expect(worstCase(pricing, 1, 636_363)).toBeGreaterThan(0.7);
    expect(cap?.tokens).toBe(636_362);
    expect(worstCase(pricing, 1, 636_362)).toBeLessThanOrEqual(0.7);
  });

  it('refuses a call whose input alone costs more than the limit, saying so', () => {
    const pricing = { inputPerMillion: 10, outputPerMillion: 10 };
    let error: unknown;
    try {
      capFor({ maxCostUsd: 0.001 }, pricing, 200);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).limit).toBe('maxCostUsd');
    expect((error as Error).message).toContain('the next model call has 200 input tokens');
    expect((error as Error).message).not.toContain('no output token would fit');
  });

  it('names the first limit when two leave the same room', () => {
    expect(capFor({ maxOutputTokens: 30, maxTotalTokens: 50 }, undefined, 20)).toEqual({
      tokens: 30,
      limit: 'maxOutputTokens',
    });
  });
});
