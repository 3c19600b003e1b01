/** Budgets the runtime enforces (steps, tool calls, tokens, cost); `maxDurationMs` is enforced by `RunAbort`. */
import type { ModelPricing, TokenUsage } from '../../contracts/model.js';
import type { Budget, RunUsage } from '../../contracts/run.js';
import { BudgetExceededError, type BudgetLimit } from '../../errors/budget-exceeded-error.js';

/** Merges the agent's budget with the request's; request values win. */
export function mergeBudgets(agent: Budget | undefined, request: Budget | undefined): Budget {
  if (!request) return agent ?? {};
  if (!agent) return request;
  return { ...agent, ...stripUndefined(request) };
}

function stripUndefined(budget: Budget): Budget {
  const result: Budget = {};
  for (const [key, value] of Object.entries(budget) as [BudgetLimit, number | undefined][]) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** A fresh, zero usage record. */
export function emptyUsage(): RunUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    modelCalls: 0,
    toolCalls: 0,
    durationMs: 0,
  };
}

/**
 * Counts usage into the run's `RunUsage` and checks limits before each model
 * call and each tool call. A limit counts as reached when usage is at or above
 * it, so the call that would go past it is never made.
 */
export class RunBudget {
  constructor(
    readonly limits: Readonly<Budget>,
    private readonly usage: RunUsage,
    private readonly pricing: ModelPricing | undefined,
  ) {}

  /** Checks step, token and cost limits before model call number `step` (0-based). */
  beforeModelCall(step: number): void {
    const limits = this.limits;
    if (limits.maxSteps !== undefined && step >= limits.maxSteps) {
      throw new BudgetExceededError('maxSteps', step, limits.maxSteps);
    }
    this.checkTokens();
  }

  /** Checks the tool-call limit (and token/cost limits already reached) before a call runs. */
  beforeToolCall(): void {
    const max = this.limits.maxToolCalls;
    if (max !== undefined && this.usage.toolCalls >= max) {
      throw new BudgetExceededError('maxToolCalls', this.usage.toolCalls, max);
    }
    this.checkTokens();
  }

  /** Adds one model call's tokens and cost. */
  recordModelCall(tokens: TokenUsage): void {
    const usage = this.usage;
    usage.modelCalls += 1;
    usage.inputTokens += tokens.inputTokens;
    usage.outputTokens += tokens.outputTokens;
    usage.totalTokens += tokens.totalTokens;
    if (this.pricing) {
      usage.costUsd +=
        (tokens.inputTokens * this.pricing.inputPerMillion +
          tokens.outputTokens * this.pricing.outputPerMillion) /
        1_000_000;
    }
  }

  /** Counts one executed tool call. */
  recordToolCall(): void {
    this.usage.toolCalls += 1;
  }

  private checkTokens(): void {
    const { limits, usage } = this;
    if (limits.maxInputTokens !== undefined && usage.inputTokens >= limits.maxInputTokens) {
      throw new BudgetExceededError('maxInputTokens', usage.inputTokens, limits.maxInputTokens);
    }
    if (limits.maxOutputTokens !== undefined && usage.outputTokens >= limits.maxOutputTokens) {
      throw new BudgetExceededError('maxOutputTokens', usage.outputTokens, limits.maxOutputTokens);
    }
    if (limits.maxTotalTokens !== undefined && usage.totalTokens >= limits.maxTotalTokens) {
      throw new BudgetExceededError('maxTotalTokens', usage.totalTokens, limits.maxTotalTokens);
    }
    if (limits.maxCostUsd !== undefined && usage.costUsd >= limits.maxCostUsd) {
      throw new BudgetExceededError('maxCostUsd', usage.costUsd, limits.maxCostUsd);
    }
  }
}
