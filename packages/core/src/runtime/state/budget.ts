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

/** The output cap a budget sets on a model call, and the limit that set it. */
export interface OutputCap {
  readonly tokens: number;
  readonly limit: Extract<BudgetLimit, 'maxOutputTokens' | 'maxTotalTokens' | 'maxCostUsd'>;
}

function nextCall(inputTokens: number): string {
  return `the next model call has ${inputTokens} input tokens`;
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
 * it, so the call that would go past it is never made. Token and cost limits
 * are pre-emptive: `outputCapFor` prices a model call's worst case (its counted
 * input plus its output cap) before it is made.
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

  /** True when a limit depends on a model call's input tokens, so they must be counted before the call. */
  get countsInput(): boolean {
    const limits = this.limits;
    return (
      limits.maxInputTokens !== undefined ||
      limits.maxTotalTokens !== undefined ||
      (limits.maxCostUsd !== undefined && this.pricing !== undefined)
    );
  }

  /** True when a limit bounds a model call's output tokens. */
  get capsOutput(): boolean {
    const limits = this.limits;
    return (
      limits.maxOutputTokens !== undefined ||
      limits.maxTotalTokens !== undefined ||
      (limits.maxCostUsd !== undefined && this.pricing !== undefined && this.pricing.outputPerMillion > 0)
    );
  }

  /**
   * The most output tokens the next model call may produce so that no limit is passed, given the call's
   * counted input tokens; `undefined` when no limit bounds output.
   *
   * @throws BudgetExceededError (naming the binding limit) when the input alone, or the input and one output
   *   token, would pass a limit: the call is not made
   */
  outputCapFor(inputTokens: number): OutputCap | undefined {
    const { limits, usage, pricing } = this;
    if (limits.maxInputTokens !== undefined && usage.inputTokens + inputTokens > limits.maxInputTokens) {
      throw new BudgetExceededError(
        'maxInputTokens',
        usage.inputTokens,
        limits.maxInputTokens,
        nextCall(inputTokens),
      );
    }
    let cap: number | undefined;
    let binding: [OutputCap['limit'], number, number] | undefined;
    const bound = (limit: OutputCap['limit'], allowed: number, used: number, max: number) => {
      if (cap === undefined || allowed < cap) {
        cap = allowed;
        binding = [limit, used, max];
      }
    };
    if (limits.maxOutputTokens !== undefined) {
      bound(
        'maxOutputTokens',
        limits.maxOutputTokens - usage.outputTokens,
        usage.outputTokens,
        limits.maxOutputTokens,
      );
    }
    if (limits.maxTotalTokens !== undefined) {
      const max = limits.maxTotalTokens;
      bound('maxTotalTokens', max - usage.totalTokens - inputTokens, usage.totalTokens, max);
    }
    if (limits.maxCostUsd !== undefined && pricing !== undefined) {
      const max = limits.maxCostUsd;
      const withInput = usage.costUsd + (inputTokens * pricing.inputPerMillion) / 1_000_000;
      if (withInput > max)
        throw new BudgetExceededError('maxCostUsd', usage.costUsd, max, nextCall(inputTokens));
      if (pricing.outputPerMillion > 0) {
        let allowed = Math.floor(((max - withInput) * 1_000_000) / pricing.outputPerMillion);
        // Floating point: step down until the priced worst case is within the limit.
        while (allowed > 0 && withInput + (allowed * pricing.outputPerMillion) / 1_000_000 > max)
          allowed -= 1;
        bound('maxCostUsd', allowed, usage.costUsd, max);
      }
    }
    if (cap === undefined || binding === undefined) return undefined;
    if (cap < 1)
      throw new BudgetExceededError(...binding, `${nextCall(inputTokens)} and no output token would fit`);
    return { tokens: cap, limit: binding[0] };
  }

  /** The stop after a model call whose answer was cut (finish reason `length`) at the cap the budget set. */
  cutShort(cap: OutputCap): BudgetExceededError {
    const { usage, limits } = this;
    const used =
      cap.limit === 'maxOutputTokens'
        ? usage.outputTokens
        : cap.limit === 'maxTotalTokens'
          ? usage.totalTokens
          : usage.costUsd;
    return new BudgetExceededError(
      cap.limit,
      used,
      limits[cap.limit] ?? 0,
      `the model's answer was cut at the ${cap.tokens} output tokens the budget left`,
    );
  }

  /** Checks the tool-call limit (and token/cost limits already reached) before a call runs. */
  beforeToolCall(): void {
    const max = this.limits.maxToolCalls;
    if (max !== undefined && this.usage.toolCalls >= max) {
      throw new BudgetExceededError('maxToolCalls', this.usage.toolCalls, max);
    }
    this.checkTokens();
  }

  /** Adds one model call's tokens and cost; returns that call's cost in USD (0 without pricing). */
  recordModelCall(tokens: TokenUsage): number {
    const usage = this.usage;
    usage.modelCalls += 1;
    usage.inputTokens += tokens.inputTokens;
    usage.outputTokens += tokens.outputTokens;
    usage.totalTokens += tokens.totalTokens;
    if (!this.pricing) return 0;
    const cost =
      (tokens.inputTokens * this.pricing.inputPerMillion +
        tokens.outputTokens * this.pricing.outputPerMillion) /
      1_000_000;
    usage.costUsd += cost;
    return cost;
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
