/** Contract for the `pattern` plugin kind: the agent loop, as serialisable state plus a transition function. */

import type { AnyAgentryEvent } from './events.js';
import type { JsonObject } from './json.js';
import type { Message, ToolCallRequest } from './message.js';
import type { ModelResponse, ToolSpec } from './model.js';
import type { Budget } from './run.js';

/**
 * Pattern state is plain JSON. `messages` is this run's conversation (after
 * the memory and instructions, which the runtime adds): the checkpointer
 * stores it as append-only deltas, so patterns should append rather than
 * rewrite it when they can.
 */
export interface PatternState extends JsonObject {
  messages: Message[];
}

/** The result of one tool call as a pattern sees it: a tool message ready for the conversation. */
export interface ToolCallResult {
  call: ToolCallRequest;
  message: Message & { role: 'tool' };
}

/** What the runtime lends a pattern for one transition. */
export interface PatternContext {
  readonly runId: string;
  readonly agentId: string;
  readonly tools: readonly ToolSpec[];
  readonly signal: AbortSignal;
  readonly budget: Readonly<Budget>;
  /**
   * Calls the model with the context assembled from `messages` (instructions
   * and memory are added by the runtime). Emits model events, counts usage and
   * enforces budgets; throws `BudgetError` when a limit is reached.
   */
  callModel(messages: readonly Message[], options?: { tools?: readonly ToolSpec[] }): Promise<ModelResponse>;
  /**
   * Runs the calls of one model turn through the bound tools (approval gate,
   * hooks, executor, ledger) and returns results in the order of `calls`.
   * Throws `RunSuspendedSignal` (caught by the runtime) when a call awaits a decision.
   * `options.concurrency` caps how many calls of the turn run at once (the
   * tool executors' own limit still applies).
   */
  callTools(calls: readonly ToolCallRequest[], options?: { concurrency?: number }): Promise<ToolCallResult[]>;
  /** Emits a pattern-specific event (e.g. a plan); the runtime fills in the envelope. */
  emit?(event: Pick<AnyAgentryEvent, 'type' | 'data'>): Promise<void>;
}

/** Input sent into an active run (`runtime.send`), as the pattern receives it. */
export interface RunInput {
  /** Position in the run's inbox (1, 2, …). */
  readonly seq: number;
  readonly text: string;
}

/** One transition: the new state, and the final output once the pattern is done. */
export interface PatternTransition<S extends PatternState = PatternState> {
  state: S;
  /** Set when the run is finished; the text is the run output. */
  done?: { output: string };
}

/**
 * The agent loop. The runtime calls `next` until it reports `done`, and (for
 * durable runs) checkpoints the returned state after every transition. A
 * transition should make at most one model call or run one turn of tool
 * calls, so that a checkpoint follows each.
 */
export interface Pattern<S extends PatternState = PatternState> {
  readonly kind: 'pattern';
  readonly specVersion: 1;
  readonly name: string;
  /** Initial state for a fresh run whose first message is the user input. */
  start(input: { input: string; messages: Message[] }): S;
  next(state: S, context: PatternContext): Promise<PatternTransition<S>>;
  /**
   * Takes input sent into the run (`runtime.send`, the `steer` session policy). The runtime calls it before
   * each `next` (and once more when the pattern reports `done`) while inputs wait; it returns the new state,
   * or `undefined` to take them later (e.g. between a model turn and its tool results). Without it the
   * runtime appends each input as a user message, except while the last message is an assistant message
   * with tool calls. Once taken, inputs are in the checkpointed state: a resumed run gets each exactly once.
   */
  receive?(state: S, inputs: readonly RunInput[]): S | undefined;
  /** Checks a state loaded from a checkpoint; throws when it is not one this pattern wrote. */
  restore?(state: PatternState): S;
}

export function isPattern(value: unknown): value is Pattern {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'pattern';
}
