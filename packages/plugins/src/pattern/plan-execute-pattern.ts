/** `PlanExecutePattern`: ask for a plan, run its steps with tools, re-plan when a step fails. */
import {
  definePlugin,
  type Message,
  type Pattern,
  type PatternContext,
  type PatternState,
  type PatternTransition,
  type RunInput,
} from '@agentry/core';
import { z } from 'zod';
import { assistantMessage, restoreState } from './pattern-support.js';
import { parsePlan } from './plan-parser.js';

const configSchema = z
  .object({
    maxReplans: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe('How many times the pattern may make a new plan after a failed step or an unreadable plan.'),
    maxPlanSteps: z.number().int().positive().default(8).describe('Longer plans are cut to this many steps.'),
    maxStepTurns: z
      .number()
      .int()
      .positive()
      .default(6)
      .describe('Model calls one step may use; a step still calling tools after that counts as failed.'),
    finalAnswer: z
      .boolean()
      .default(true)
      .describe(
        'After the last step, ask the model for a final answer (otherwise the last step result is the output).',
      ),
  })
  .strict();

/** Config of `PlanExecutePattern`. */
export type PlanExecutePatternConfig = z.input<typeof configSchema>;

/** Plain-JSON state: the conversation plus where the plan stands. */
export type PlanExecuteState = PatternState & {
  phase: 'plan' | 'execute' | 'tools' | 'answer';
  plan: string[];
  /** Index of the plan step being executed. */
  step: number;
  /** Model calls made for the current step. */
  stepTurns: number;
  replans: number;
  /** Why the next plan is a re-plan (a failed step, an unreadable plan); `null` for the first plan. */
  failure: string | null;
};

const stateSchema = z.looseObject({
  phase: z.enum(['plan', 'execute', 'tools', 'answer']),
  plan: z.array(z.string()),
  step: z.number().int().min(0),
  stepTurns: z.number().int().min(0),
  replans: z.number().int().min(0),
  failure: z.string().nullable(),
});

/**
 * Plans, then executes. Each `next` makes one model call or runs one turn of
 * tool calls:
 * 1. `plan`: asks the model (without tools) for a JSON list of steps and
 *    emits it as a `pattern.planned` event. An unreadable plan is asked for
 *    again (counting as a re-plan); when re-plans run out, the request itself
 *    becomes the only step.
 * 2. `execute` / `tools`: for each step, tells the model which step to do and
 *    lets it call tools (through `context.callTools`) until it answers
 *    without tool calls; that answer is the step result.
 * 3. A step whose tool call fails, or that is still calling tools after
 *    `maxStepTurns` model calls, triggers a re-plan (up to `maxReplans`);
 *    afterwards the model sees the error and carries on, and a step out of
 *    model calls is asked for its result without tools.
 * 4. `answer`: asks for the final answer, which is the run output.
 * 5. Input sent into the run (`runtime.send`) is appended and leads to a new plan (see `receive`).
 *
 * Prompts are appended to `messages` as user messages, so the state (and the
 * transcript) holds exactly what the model saw. Budget and suspension errors
 * thrown by the context propagate unchanged.
 */
export class PlanExecutePattern implements Pattern<PlanExecuteState> {
  static readonly plugin = definePlugin({
    kind: 'pattern',
    name: 'plan-execute',
    description: 'Plan the steps first, execute them with tools, re-plan on failure',
    configSchema,
    create: (config) => new PlanExecutePattern(config),
  });

  readonly kind = 'pattern' as const;
  readonly specVersion = 1 as const;
  readonly name = 'plan-execute';
  readonly #config: z.output<typeof configSchema>;

  constructor(config: PlanExecutePatternConfig = {}) {
    this.#config = configSchema.parse(config);
  }

  start(input: { input: string; messages: Message[] }): PlanExecuteState {
    return {
      messages: [...input.messages],
      phase: 'plan',
      plan: [],
      step: 0,
      stepTurns: 0,
      replans: 0,
      failure: null,
    };
  }

  /**
   * Input sent into the run (steering) makes a new plan: the input is appended as a user message and the
   * next call asks for a plan of the remaining work that takes it into account (not counted against
   * `maxReplans`). While a step's tool results are due, it waits for them.
   */
  receive(state: PlanExecuteState, inputs: readonly RunInput[]): PlanExecuteState | undefined {
    if (state.phase === 'tools') return undefined;
    const messages: Message[] = [...state.messages];
    for (const input of inputs) messages.push({ role: 'user', content: input.text });
    const failure = 'New input from the user arrived (above).';
    return { ...state, messages, phase: 'plan', stepTurns: 0, failure };
  }

  restore(state: PatternState): PlanExecuteState {
    return restoreState<PlanExecuteState>(this.name, stateSchema, state);
  }

  async next(state: PlanExecuteState, context: PatternContext): Promise<PatternTransition<PlanExecuteState>> {
    switch (state.phase) {
      case 'plan':
        return this.#plan(state, context);
      case 'execute':
        return this.#execute(state, context);
      case 'tools':
        return this.#tools(state, context);
      case 'answer':
        return this.#answer(state, context);
    }
  }

  async #plan(
    state: PlanExecuteState,
    context: PatternContext,
  ): Promise<PatternTransition<PlanExecuteState>> {
    const limit = this.#config.maxPlanSteps;
    const ask =
      state.failure === null
        ? `Before answering, make a plan. Reply with only a JSON array of at most ${limit} short steps, e.g. ["Find the file", "Summarise it"]. Do not call tools yet.`
        : `${state.failure} Make a new plan for the remaining work. Reply with only a JSON array of at most ${limit} short steps.`;
    const prompt: Message = { role: 'user', content: ask };
    const messages = [...state.messages, prompt];
    const response = await context.callModel(messages, { tools: [] });
    messages.push(assistantMessage(response, false));
    const steps = parsePlan(response.text)?.slice(0, limit);
    if (steps === undefined && state.replans < this.#config.maxReplans) {
      return {
        state: {
          ...state,
          messages,
          replans: state.replans + 1,
          failure: 'Your plan could not be read as a JSON array of steps.',
        },
      };
    }
    const plan = steps ?? [originalRequest(state.messages)];
    await context.emit?.({ type: 'pattern.planned', data: { plan, replans: state.replans } });
    return { state: { ...state, messages, phase: 'execute', plan, step: 0, stepTurns: 0, failure: null } };
  }

  async #execute(
    state: PlanExecuteState,
    context: PatternContext,
  ): Promise<PatternTransition<PlanExecuteState>> {
    const messages = [...state.messages];
    if (state.stepTurns === 0) {
      const step = state.plan[state.step] ?? '';
      messages.push({
        role: 'user',
        content: `Step ${state.step + 1} of ${state.plan.length}: ${step}\nUse tools if you need them. When this step is done, reply with its result.`,
      });
    }
    // A step out of model calls must answer now: no tools for this call.
    const forceResult = state.stepTurns >= this.#config.maxStepTurns;
    const response = await context.callModel(messages, forceResult ? { tools: [] } : undefined);
    messages.push(assistantMessage(response, !forceResult));
    const stepTurns = state.stepTurns + 1;
    if (!forceResult && response.toolCalls.length > 0) {
      return { state: { ...state, messages, phase: 'tools', stepTurns } };
    }
    const step = state.step + 1;
    if (step < state.plan.length)
      return { state: { ...state, messages, phase: 'execute', step, stepTurns: 0 } };
    if (this.#config.finalAnswer)
      return { state: { ...state, messages, phase: 'answer', step, stepTurns: 0 } };
    return { state: { ...state, messages, step, stepTurns: 0 }, done: { output: response.text } };
  }

  async #tools(
    state: PlanExecuteState,
    context: PatternContext,
  ): Promise<PatternTransition<PlanExecuteState>> {
    const last = state.messages.at(-1);
    const calls = last?.role === 'assistant' ? (last.toolCalls ?? []) : [];
    const results = await context.callTools(calls);
    const messages = [...state.messages, ...results.map((result) => result.message)];
    const failed = results.find((result) => result.message.isError);
    const stepNumber = state.step + 1;
    let failure: string | undefined;
    if (failed) {
      failure = `Step ${stepNumber} failed: tool ${failed.call.name} returned an error: ${JSON.stringify(failed.message.content)}.`;
    } else if (state.stepTurns >= this.#config.maxStepTurns) {
      failure = `Step ${stepNumber} did not finish within ${this.#config.maxStepTurns} model calls.`;
    }
    if (failure !== undefined && state.replans < this.#config.maxReplans) {
      return {
        state: { ...state, messages, phase: 'plan', replans: state.replans + 1, failure, stepTurns: 0 },
      };
    }
    return { state: { ...state, messages, phase: 'execute' } };
  }

  async #answer(
    state: PlanExecuteState,
    context: PatternContext,
  ): Promise<PatternTransition<PlanExecuteState>> {
    const messages: Message[] = [
      ...state.messages,
      { role: 'user', content: 'All steps are done. Now give the final answer to the original request.' },
    ];
    const response = await context.callModel(messages, { tools: [] });
    messages.push(assistantMessage(response, false));
    return { state: { ...state, messages }, done: { output: response.text } };
  }
}

/** The first user message: the request itself, used as a one-step plan when no plan can be read. */
function originalRequest(messages: readonly Message[]): string {
  const first = messages.find((message) => message.role === 'user');
  return first ? `Answer the request: ${String(first.content)}` : 'Answer the request';
}
