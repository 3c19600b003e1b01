/** `ReflexionPattern`: answer (with tools), let the model critique the answer, retry with the critique. */
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

const configSchema = z
  .object({
    maxReflections: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe('How many critique-and-retry rounds at most; 0 answers once without critique.'),
    approvalWord: z
      .string()
      .min(1)
      .default('APPROVED')
      .describe('A critique that starts with this word (any case) accepts the answer.'),
    critiquePrompt: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Asks the model to critique its last answer (default: a built-in prompt naming the approval word).',
      ),
    revisePrompt: z
      .string()
      .min(1)
      .default('Revise your answer using the critique above. Reply with the improved answer only.')
      .describe('Asks the model to answer again after a critique.'),
  })
  .strict();

/** Config of `ReflexionPattern`. */
export type ReflexionPatternConfig = z.input<typeof configSchema>;

/** Plain-JSON state: the conversation, the phase, the rounds so far and the latest answer. */
export type ReflexionState = PatternState & {
  phase: 'answer' | 'tools' | 'critique';
  reflections: number;
  /** The latest answer without tool calls; the output when the run ends. */
  answer: string;
};

const stateSchema = z.looseObject({
  phase: z.enum(['answer', 'tools', 'critique']),
  reflections: z.number().int().min(0),
  answer: z.string(),
});

/**
 * Answer, critique, retry. Each `next` makes one model call or runs one turn
 * of tool calls:
 * 1. `answer` / `tools`: the model answers, calling tools as it needs
 *    (through `context.callTools`), until it replies without tool calls.
 * 2. `critique`: the model (without tools) critiques that answer; a critique
 *    starting with `approvalWord` ends the run with the answer.
 * 3. Otherwise the model is asked to revise and step 1 repeats, up to
 *    `maxReflections` critiques; the last answer is the output.
 * 4. Input sent into the run (`runtime.send`) goes into the next attempt (see `receive`).
 *
 * Prompts are appended to `messages` as user messages, so the state (and the
 * transcript) holds exactly what the model saw. Budget and suspension errors
 * thrown by the context propagate unchanged.
 */
export class ReflexionPattern implements Pattern<ReflexionState> {
  static readonly plugin = definePlugin({
    kind: 'pattern',
    name: 'reflexion',
    description: 'Answer, critique the answer with the model, retry with the critique',
    configSchema,
    create: (config) => new ReflexionPattern(config),
  });

  readonly kind = 'pattern' as const;
  readonly specVersion = 1 as const;
  readonly name = 'reflexion';
  readonly #config: z.output<typeof configSchema>;
  readonly #critiquePrompt: string;

  constructor(config: ReflexionPatternConfig = {}) {
    this.#config = configSchema.parse(config);
    this.#critiquePrompt =
      this.#config.critiquePrompt ??
      `Critique your last answer: is it correct, complete and does it follow the request? If it is good as it is, reply with only ${this.#config.approvalWord}. Otherwise list the problems briefly.`;
  }

  start(input: { input: string; messages: Message[] }): ReflexionState {
    return { messages: [...input.messages], phase: 'answer', reflections: 0, answer: '' };
  }

  /**
   * Input sent into the run (steering) is appended as user messages for the next attempt: the model answers
   * again with it (a pending critique is skipped; the round count is unchanged). While tool results are
   * due, it waits for them.
   */
  receive(state: ReflexionState, inputs: readonly RunInput[]): ReflexionState | undefined {
    if (state.phase === 'tools') return undefined;
    const messages: Message[] = [...state.messages];
    for (const input of inputs) messages.push({ role: 'user', content: input.text });
    return { ...state, messages, phase: 'answer' };
  }

  restore(state: PatternState): ReflexionState {
    return restoreState<ReflexionState>(this.name, stateSchema, state);
  }

  async next(state: ReflexionState, context: PatternContext): Promise<PatternTransition<ReflexionState>> {
    if (state.phase === 'tools') {
      const last = state.messages.at(-1);
      const calls = last?.role === 'assistant' ? (last.toolCalls ?? []) : [];
      const results = await context.callTools(calls);
      const messages = [...state.messages, ...results.map((result) => result.message)];
      return { state: { ...state, messages, phase: 'answer' } };
    }
    if (state.phase === 'answer') {
      const response = await context.callModel(state.messages);
      const messages = [...state.messages, assistantMessage(response, true)];
      if (response.toolCalls.length > 0) return { state: { ...state, messages, phase: 'tools' } };
      const answered: ReflexionState = { ...state, messages, answer: response.text };
      if (state.reflections >= this.#config.maxReflections)
        return { state: answered, done: { output: response.text } };
      return { state: { ...answered, phase: 'critique' } };
    }
    const messages: Message[] = [...state.messages, { role: 'user', content: this.#critiquePrompt }];
    const critique = await context.callModel(messages, { tools: [] });
    messages.push(assistantMessage(critique, false));
    if (critique.text.trim().toLowerCase().startsWith(this.#config.approvalWord.toLowerCase())) {
      return { state: { ...state, messages }, done: { output: state.answer } };
    }
    messages.push({ role: 'user', content: this.#config.revisePrompt });
    return { state: { ...state, messages, phase: 'answer', reflections: state.reflections + 1 } };
  }
}
