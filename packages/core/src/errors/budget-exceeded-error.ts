/** The error a budget limit throws; patterns and the runtime both raise it, so it lives with the errors. */
import type { Budget, StopReason } from '../contracts/run.js';
import { BudgetError, isAgentryError } from './agentry-error.js';

/** The limit names of `Budget`. */
export type BudgetLimit = keyof Budget;

/** Thrown when a limit is reached; the run stops with `stopReason`. */
export class BudgetExceededError extends BudgetError {
  readonly limit: BudgetLimit;
  readonly used: number;
  readonly max: number;
  readonly stopReason: Extract<StopReason, 'max_steps' | 'budget_exhausted'>;

  constructor(limit: BudgetLimit, used: number, max: number) {
    super('budget.exhausted', {
      message: `The run reached its ${limit} limit (${used} of ${max})`,
      hint: `Raise budget.${limit} for the agent or in the run request, or give the agent a smaller task.`,
    });
    this.limit = limit;
    this.used = used;
    this.max = max;
    this.stopReason = limit === 'maxSteps' ? 'max_steps' : 'budget_exhausted';
  }
}

/** True for an error that means "a budget limit stopped the run" (any `budget.exhausted`). */
export function isBudgetStop(error: unknown): error is BudgetError & { stopReason?: StopReason } {
  return isAgentryError(error) && error.code === 'budget.exhausted';
}
