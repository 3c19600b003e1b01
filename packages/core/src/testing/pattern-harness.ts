/** A small stand-in for the runtime that drives a pattern with a model and in-test tools, for pattern tests. */
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { JsonValue } from '../contracts/json.js';
import type { Message, ToolCallRequest } from '../contracts/message.js';
import type { Model, ModelResponse, ToolSpec } from '../contracts/model.js';
import type { Pattern, PatternContext, PatternState, ToolCallResult } from '../contracts/pattern.js';
import type { Budget } from '../contracts/run.js';

/** An in-test tool: a name, a description and a function of the (unvalidated) input. */
export interface HarnessTool {
  name: string;
  description: string;
  run(input: JsonValue): JsonValue | Promise<JsonValue>;
}

/** Tools the pattern suites use: `add({ a, b })`, `echo({ text })` and `fail()` (always an error). */
export const HARNESS_TOOLS: readonly HarnessTool[] = Object.freeze([
  {
    name: 'add',
    description: 'Adds two numbers a and b',
    run: (input) => {
      const { a, b } = input as { a: number; b: number };
      return a + b;
    },
  },
  { name: 'echo', description: 'Returns its text', run: (input) => (input as { text?: string }).text ?? '' },
  {
    name: 'fail',
    description: 'Always fails',
    run: () => {
      throw new Error('the fail tool failed, as it always does');
    },
  },
]);

/** Options of `PatternHarness`. */
export interface PatternHarnessOptions {
  model: Model;
  tools?: readonly HarnessTool[];
  runId?: string;
  budget?: Budget;
  /** Model calls already made (restore a run from a snapshot). */
  callIndex?: number;
  /** Thrown by `callModel` instead of calling the model (budget tests). */
  modelError?: unknown;
  /** Thrown by `callTools` instead of running tools (suspension tests). */
  toolError?: unknown;
}

/**
 * Lends a pattern a `PatternContext` the way the runtime would, minus
 * durability: `callModel` sends the messages as they are (no instructions or
 * memory), numbering calls with `callIndex`; `callTools` runs the in-test
 * tools and turns thrown errors into error tool messages. Counts model calls,
 * tool turns and emitted events so tests can check them.
 */
export class PatternHarness {
  /** Model calls made so far; a snapshot holds it next to the pattern state (like the runtime's `step`). */
  callIndex: number;
  modelCalls = 0;
  toolTurns = 0;
  readonly events: Pick<AnyAgentryEvent, 'type' | 'data'>[] = [];
  readonly context: PatternContext;
  readonly #tools: Map<string, HarnessTool>;

  constructor(options: PatternHarnessOptions) {
    const tools = options.tools ?? HARNESS_TOOLS;
    this.#tools = new Map(tools.map((tool) => [tool.name, tool]));
    this.callIndex = options.callIndex ?? 0;
    const specs: ToolSpec[] = tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: { type: 'object' },
    }));
    const runId = options.runId ?? 'run_harness';
    const controller = new AbortController();
    this.context = {
      runId,
      agentId: 'agent_harness',
      tools: specs,
      signal: controller.signal,
      budget: options.budget ?? {},
      callModel: async (messages: readonly Message[], callOptions?: { tools?: readonly ToolSpec[] }) => {
        this.modelCalls++;
        if (options.modelError !== undefined) throw options.modelError;
        const response: ModelResponse = await options.model.generate({
          messages,
          tools: callOptions?.tools ?? specs,
          runId,
          callIndex: this.callIndex,
          signal: controller.signal,
        });
        this.callIndex++;
        return response;
      },
      callTools: async (calls: readonly ToolCallRequest[]) => {
        this.toolTurns++;
        if (options.toolError !== undefined) throw options.toolError;
        const results: ToolCallResult[] = [];
        for (const call of calls) results.push(await this.#runTool(call));
        return results;
      },
      emit: async (event) => {
        this.events.push(event);
      },
    };
  }

  async #runTool(call: ToolCallRequest): Promise<ToolCallResult> {
    const tool = this.#tools.get(call.name);
    const base = { role: 'tool' as const, toolCallId: call.id, toolName: call.name };
    if (!tool) return { call, message: { ...base, content: `Unknown tool "${call.name}"`, isError: true } };
    try {
      return { call, message: { ...base, content: await tool.run(call.input) } };
    } catch (error) {
      return { call, message: { ...base, content: (error as Error).message, isError: true } };
    }
  }
}

/** One step of a driven run: the state after the transition, as JSON text, and the call index then. */
export interface HarnessSnapshot {
  state: string;
  callIndex: number;
}

/** What `drivePattern` observed. */
export interface DriveResult<S extends PatternState> {
  output: string;
  state: S;
  snapshots: HarnessSnapshot[];
  /** Per transition: model calls and tool turns it made. */
  work: { modelCalls: number; toolTurns: number }[];
}

/** Calls `next` until the pattern reports `done` (or throws after `maxTransitions`). */
export async function drivePattern<S extends PatternState>(
  pattern: Pattern<S>,
  initial: S,
  harness: PatternHarness,
  maxTransitions = 50,
  onTransition?: (previous: S, next: S) => void,
): Promise<DriveResult<S>> {
  let state = initial;
  const snapshots: HarnessSnapshot[] = [];
  const work: DriveResult<S>['work'] = [];
  for (let transition = 0; transition < maxTransitions; transition++) {
    const before = { modelCalls: harness.modelCalls, toolTurns: harness.toolTurns };
    const result = await pattern.next(state, harness.context);
    work.push({
      modelCalls: harness.modelCalls - before.modelCalls,
      toolTurns: harness.toolTurns - before.toolTurns,
    });
    onTransition?.(state, result.state);
    state = result.state;
    snapshots.push({ state: JSON.stringify(state), callIndex: harness.callIndex });
    if (result.done) return { output: result.done.output, state, snapshots, work };
  }
  throw new Error(`Pattern ${pattern.name} did not finish within ${maxTransitions} transitions`);
}
