/** `ToolLoopPattern`: the ReAct loop with native tool calling; one model call or one tool turn per `next()`. */
import { z } from 'zod';
import type { Message, ToolCallRequest } from '../contracts/message.js';
import type {
  Pattern,
  PatternContext,
  PatternState,
  PatternTransition,
  RunInput,
} from '../contracts/pattern.js';
import { PluginError } from '../errors/agentry-error.js';
import { BudgetExceededError } from '../errors/budget-exceeded-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';

/** Config of the tool loop. */
export interface ToolLoopConfig {
  /** Most model calls per run (default 25); reaching it stops the run with `max_steps`. */
  maxSteps?: number | undefined;
  /** Most tool calls of one model turn running at once (default 4). */
  maxConcurrentTools?: number | undefined;
}

/** The loop's state: plain JSON, checkpointed after every transition. */
export interface ToolLoopState extends PatternState {
  /**
   * `model`: the next transition calls the model; `tools`: it runs
   * `pendingCalls`; `done`: the model gave its final answer (`output`), so a
   * run resumed from this state finishes without calling the model again.
   */
  phase: 'model' | 'tools' | 'done';
  /** The final answer once `phase` is `done` (empty before). */
  output: string;
  /** Tool calls of the latest model response, not yet answered. */
  pendingCalls: ToolCallRequest[];
  /** Model calls made by this loop. */
  steps: number;
}

/** Builds a state with one fixed shape (cheaper for the engine than spreading the previous one). */
function loopState(
  messages: Message[],
  phase: ToolLoopState['phase'],
  pendingCalls: ToolCallRequest[],
  steps: number,
  output: string,
): ToolLoopState {
  return { messages, phase, pendingCalls, steps, output };
}

// Getters: zod builds the fields on first use, not when `@agentry/core` is imported.
const configSchema = z
  .object({
    get maxSteps() {
      return z.int().positive().optional();
    },
    get maxConcurrentTools() {
      return z.int().positive().optional();
    },
  })
  .strict();

/**
 * Calls the model; when it asks for tools, runs them (several per turn,
 * concurrently up to `maxConcurrentTools`, results in order; tool errors go
 * back to the model as error results) and calls the model again; when it
 * answers without tool calls, that text is the output. A message appended
 * after the final answer (e.g. output-schema feedback) makes the next
 * transition call the model again.
 */
export class ToolLoopPattern implements Pattern<ToolLoopState> {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'pattern',
      name: 'tool-loop',
      description: 'ReAct loop with native tool calling',
      configSchema,
      create: (config) => new ToolLoopPattern(config),
    }),
    noOptions,
  );

  readonly kind = 'pattern' as const;
  readonly specVersion = 1 as const;
  readonly name = 'tool-loop';
  readonly maxSteps: number;
  readonly maxConcurrentTools: number;

  constructor(config: ToolLoopConfig = {}) {
    this.maxSteps = config.maxSteps ?? 25;
    this.maxConcurrentTools = config.maxConcurrentTools ?? 4;
  }

  start(input: { input: string; messages: Message[] }): ToolLoopState {
    return loopState([...input.messages], 'model', [], 0, '');
  }

  async next(state: ToolLoopState, context: PatternContext): Promise<PatternTransition<ToolLoopState>> {
    if (state.phase === 'done' && state.messages.at(-1)?.role === 'assistant') {
      return { state, done: { output: state.output } };
    }
    if (state.phase === 'tools') {
      const results = await context.callTools(state.pendingCalls, { concurrency: this.maxConcurrentTools });
      const messages = state.messages;
      for (const result of results) messages.push(result.message);
      return { state: loopState(messages, 'model', [], state.steps, state.output) };
    }
    if (state.steps >= this.maxSteps) throw new BudgetExceededError('maxSteps', state.steps, this.maxSteps);
    const response = await context.callModel(state.messages);
    const messages = state.messages;
    const steps = state.steps + 1;
    if (response.toolCalls.length === 0) {
      messages.push({ role: 'assistant', content: response.text });
      return {
        state: loopState(messages, 'done', [], steps, response.text),
        done: { output: response.text },
      };
    }
    messages.push({ role: 'assistant', content: response.text, toolCalls: response.toolCalls });
    return { state: loopState(messages, 'tools', response.toolCalls, steps, state.output) };
  }

  /**
   * Input sent into the run becomes user messages before the next model call; while tool results are due
   * (`tools`) it waits for them. After a final answer (`done`) the loop calls the model again.
   */
  receive(state: ToolLoopState, inputs: readonly RunInput[]): ToolLoopState | undefined {
    if (state.phase === 'tools') return undefined;
    const messages = state.messages;
    for (const input of inputs) messages.push({ role: 'user', content: input.text });
    return loopState(messages, 'model', [], state.steps, state.output);
  }

  restore(state: PatternState): ToolLoopState {
    const candidate = state as Partial<ToolLoopState>;
    const valid =
      Array.isArray(candidate.messages) &&
      (candidate.phase === 'model' || candidate.phase === 'tools' || candidate.phase === 'done') &&
      Array.isArray(candidate.pendingCalls) &&
      typeof candidate.steps === 'number';
    if (!valid) {
      throw new PluginError('checkpoint.mismatch', {
        message: 'The saved pattern state was not written by the tool-loop pattern',
        hint: 'Resume the run with the agent configuration it was started with.',
        context: { plugin: 'tool-loop' },
      });
    }
    return typeof candidate.output === 'string'
      ? (state as ToolLoopState)
      : { ...(state as ToolLoopState), output: '' };
  }
}
