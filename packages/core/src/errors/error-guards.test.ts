import { describe, expect, it } from 'vitest';
import {
  AgentryError,
  BudgetError,
  CheckpointError,
  ConfigError,
  isAgentryError,
  isBudgetError,
  isCheckpointError,
  isConfigError,
  isModelError,
  isPluginError,
  isRunError,
  isStoreError,
  isToolError,
  ModelError,
  PluginError,
  RunError,
  StoreError,
  ToolError,
} from './agentry-error.js';
import { BudgetExceededError, isBudgetExceededError } from './budget-exceeded-error.js';

/** A second copy of the errors module, as a plugin that bundles its own `@agentry/core` would have. */
async function otherCopy(): Promise<typeof import('./agentry-error.js')> {
  const url = new URL('./agentry-error.ts?second-copy', import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as typeof import('./agentry-error.js');
}

describe('error guards', () => {
  const guards = [
    [isConfigError, new ConfigError('config.invalid', { message: 'x' })],
    [isPluginError, new PluginError('plugin.load_failed', { message: 'x' })],
    [isToolError, new ToolError('tool.failed', { message: 'x' })],
    [isModelError, new ModelError('model.timeout', { message: 'x' })],
    [isBudgetError, new BudgetError('budget.exhausted', { message: 'x' })],
    [isStoreError, new StoreError('store.unavailable', { message: 'x' })],
    [isCheckpointError, new CheckpointError('checkpoint.corrupt', { message: 'x' })],
    [isRunError, new RunError('run.not_found', { message: 'x' })],
  ] as const;

  it('recognise their own class and no other', () => {
    for (const [guard, own] of guards) {
      for (const [, other] of guards) expect(guard(other)).toBe(other === own);
      expect(guard(new AgentryError('tool.failed', { message: 'base' }))).toBe(false);
      expect(guard(new Error('plain'))).toBe(false);
      expect(guard({ code: own.code, message: 'look-alike' })).toBe(false);
    }
  });

  it('recognise a subclass: a BudgetExceededError is a BudgetError', () => {
    const error = new BudgetExceededError('maxSteps', 3, 3);
    expect(isBudgetError(error)).toBe(true);
    expect(isBudgetExceededError(error)).toBe(true);
    expect(isBudgetExceededError(new BudgetError('budget.exhausted', { message: 'x' }))).toBe(false);
  });

  it('recognise errors thrown by another copy of core, where instanceof fails', async () => {
    const copy = await otherCopy();
    expect(copy.ToolError).not.toBe(ToolError);
    const foreign = new copy.ToolError('tool.timeout', { message: 'slow' });
    expect(foreign instanceof ToolError).toBe(false);
    expect(isAgentryError(foreign)).toBe(true);
    expect(isToolError(foreign)).toBe(true);
    expect(isModelError(foreign)).toBe(false);
    expect(copy.isRunError(new RunError('run.busy', { message: 'busy' }))).toBe(true);
  });

  it('type the codes per class: a wrong code for a subclass does not compile', () => {
    // @ts-expect-error a ToolError cannot carry a model code
    const wrong = new ToolError('model.timeout', { message: 'x' });
    // @ts-expect-error a StoreError cannot carry a run code
    const alsoWrong = new StoreError('run.busy', { message: 'x' });
    const right: ToolError['code'] = new ToolError('tool.timeout', { message: 'x' }).code;
    expect([wrong.code, alsoWrong.code, right]).toEqual(['model.timeout', 'run.busy', 'tool.timeout']);
  });
});
