/** The error a budget limit throws; patterns and the runtime both raise it, so it lives with the errors. */
import type { Budget, StopReason } from '../contracts/run.js';
import { BudgetError, errorGuard, isAgentryError, markError } from './agentry-error.js';

/** The limit names of `Budget`. */
export type BudgetLimit = keyof Budget;

/** Thrown when a limit is reached; the run stops with `stopReason`. */
export class BudgetExceededError extends BudgetError {
  readonly limit: BudgetLimit;
  readonly used: number;
  readonly max: number;
  readonly stopReason: Extract<StopReason, 'max_steps' | 'budget_exhausted'>;

  /**
   * @param used what the run has used so far
   * @param next why the next call would pass the limit, when it is stopped before it is made
   */
  constructor(limit: BudgetLimit, used: number, max: number, next?: string) {
    super('budget.exhausted', {
      message: `The run reached its ${limit} limit (${used} of ${max})${next ? `: ${next}` : ''}`,
      hint: `Raise budget.${limit} for the agent or in the run request, or give the agent a smaller task.`,
    });
    this.limit = limit;
    this.used = used;
    this.max = max;
    this.stopReason = limit === 'maxSteps' ? 'max_steps' : 'budget_exhausted';
    markError(this, 'BudgetExceededError');
  }
}

/** True for a `BudgetExceededError`, also one thrown by another copy of `@agentry/core`. */
export const isBudgetExceededError = errorGuard<BudgetExceededError>('BudgetExceededError');

/** True for an error that means "a budget limit stopped the run" (any `budget.exhausted`). */
export function isBudgetStop(error: unknown): error is BudgetError & { stopReason?: StopReason } {
  return isAgentryError(error) && error.code === 'budget.exhausted';
}
