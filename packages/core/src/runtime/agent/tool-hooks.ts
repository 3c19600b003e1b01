/** Before and after tool hooks: declared order, veto or rewrite before, outcome rewrite after (never masking errors). */
import type { Logger } from '../../contracts/services.js';
import type { AfterToolHook, BeforeToolHook, ToolContext, ToolOutcome } from '../../contracts/tool.js';

/** Hooks that apply to every tool of an agent (config `hooks`) or of the runtime (passed in code). */
export interface ToolHooks {
  before?: readonly BeforeToolHook[];
  after?: readonly AfterToolHook[];
}

/** What the before hooks decided. */
export type BeforeResult = { veto: string } | { input: unknown };

/**
 * Runs before hooks in order (the tool's own first, then the agent's and the
 * runtime's as declared). A hook may veto (later hooks do not run) or return a
 * new input for the hooks after it and for the call. A hook that throws vetoes
 * the call with its message.
 */
export async function runBeforeHooks(
  hooks: readonly BeforeToolHook[],
  tool: string,
  input: unknown,
  context: ToolContext,
): Promise<BeforeResult> {
  let current = input;
  for (const hook of hooks) {
    let result: Awaited<ReturnType<BeforeToolHook>>;
    try {
      result = await hook({ tool, input: current, context });
    } catch (error) {
      return { veto: `A before hook failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (result === undefined || result === null) continue;
    if ('veto' in result) return { veto: result.veto };
    if ('input' in result) current = result.input;
  }
  return { input: current };
}

/**
 * Runs after hooks in order; each sees the outcome the previous one left. They
 * always run, also for failed calls. A hook that throws is logged and skipped,
 * so it never masks the call's own outcome.
 */
export async function runAfterHooks(
  hooks: readonly AfterToolHook[],
  tool: string,
  input: unknown,
  context: ToolContext,
  outcome: ToolOutcome,
  logger: Logger,
): Promise<ToolOutcome> {
  let current = outcome;
  for (const hook of hooks) {
    try {
      const result = await hook({ tool, input, context, outcome: current });
      if (result !== undefined && result !== null) current = result;
    } catch (error) {
      logger.warn('an after hook failed; the call keeps its outcome', {
        tool,
        callId: context.callId,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return current;
}
