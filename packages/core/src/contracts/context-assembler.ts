/** Contract for the `context-assembler` plugin kind: builds what the model sees on each call. */
import type { Message } from './message.js';
import type { Model, ToolSpec } from './model.js';

/** Input of `assemble`, called before every model call. */
export interface AssembleInput {
  readonly agentId: string;
  readonly runId: string;
  /** The agent's instructions (system prompt). */
  readonly instructions: string;
  /** Messages the memory injected at the start of the run. */
  readonly memory: readonly Message[];
  /** This run's messages so far, oldest first (user input first). */
  readonly messages: readonly Message[];
  readonly tools: readonly ToolSpec[];
  readonly model: Model;
}

/** What the model will see, and how much was left out. */
export interface AssembledContext {
  messages: Message[];
  /** Messages kept from memory + run messages. */
  kept: number;
  /** Messages left out (reported in the `context.assembled` event). */
  omitted: number;
}

/** Input of `finalize`, called once when a run has produced its output. */
export interface FinalizeInput {
  readonly agentId: string;
  readonly runId: string;
  readonly output: string;
  readonly messages: readonly Message[];
}

export interface ContextAssembler {
  readonly kind: 'context-assembler';
  readonly specVersion: 1;
  readonly name: string;
  /** Must be cheap: it runs before every model call. It must not mutate its input. */
  assemble(input: AssembleInput): AssembledContext | Promise<AssembledContext>;
  /** May amend the final output (e.g. strip scaffolding); returns the output to report. */
  finalize?(input: FinalizeInput): string | Promise<string>;
}

export function isContextAssembler(value: unknown): value is ContextAssembler {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'context-assembler'
  );
}
