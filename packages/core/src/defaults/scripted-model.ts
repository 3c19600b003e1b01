/** `ScriptedModel`: a deterministic model that plays a script, for demos, tests and benchmarks. */
import { z } from 'zod';
import type { ToolCallRequest } from '../contracts/message.js';
import type {
  Model,
  ModelPricing,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
} from '../contracts/model.js';
import { ModelError } from '../errors/agentry-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { plainConfig, withFastConfig } from '../plugin/fast-plugin-config.js';
import {
  isValidatedScript,
  type LoadedScript,
  loadScriptFile,
  SCRIPTED_FAULTS,
  type ScriptedCondition,
  type ScriptedErrorItem,
  type ScriptItem,
  validateScript,
} from './scripted-model-script.js';
import { CHARS_PER_TOKEN, estimateInputTokens, textTokens } from './token-estimate.js';

/** Options of `new ScriptedModel(...)`. */
export interface ScriptedModelOptions {
  /** One item per model call of a run, in order. */
  script: readonly ScriptItem[];
  /** Model id reported in responses (default `scripted`). */
  model?: string;
  /** Prices per million tokens, so `maxCostUsd` budgets can be tested. */
  pricing?: ModelPricing;
  /** Keep every request in `calls` (default false: benchmarks run millions of calls). */
  record?: boolean;
  /** Where the script came from, for error messages (default `inline script`). */
  source?: string;
}

/** A response item compiled once: its token counts are fixed; call ids come from the step at answer time. */
interface CompiledResponse {
  kind: 'response';
  text: string;
  calls: Omit<ToolCallRequest, 'id'>[];
  finishReason: ModelResponse['finishReason'];
  outputTokens: number;
  usage?: { inputTokens: number; outputTokens: number };
}
type CompiledItem = CompiledResponse | (ScriptedErrorItem & { kind: 'error' }) | { kind: 'hang' };

/** One step of the script: reaction items (each with its condition), then the item that answers otherwise. */
interface CompiledStep {
  reactions: { when: Reaction; item: CompiledItem }[];
  otherwise?: CompiledItem;
}

/** A compiled `when`. */
interface Reaction {
  lastTool?: 'ok' | 'error' | 'denied';
  input?: RegExp;
}

/**
 * Groups items into steps: items with `when` react (the first whose condition holds answers), and the next
 * item without `when` ends the step and answers otherwise. So the n-th model call still plays step n, also
 * after a resume, and a script without reactions is one item per step.
 */
function compileSteps(script: LoadedScript): CompiledStep[] {
  const items = compile(script);
  const steps: CompiledStep[] = [];
  let open: CompiledStep = { reactions: [] };
  script.items.forEach((item, index) => {
    const when = 'when' in item ? (item.when as ScriptedCondition | undefined) : undefined;
    if (when === undefined) {
      steps.push({ ...open, otherwise: items[index]! });
      open = { reactions: [] };
      return;
    }
    open.reactions.push({
      when: {
        ...(when.lastTool === undefined ? {} : { lastTool: when.lastTool }),
        ...(when.input === undefined ? {} : { input: new RegExp(when.input, 'i') }),
      },
      item: items[index]!,
    });
  });
  if (open.reactions.length > 0) steps.push(open);
  return steps;
}

/** How the latest tool results (the tool messages after the last model turn) went, if the request ends with some. */
function lastToolOutcome(messages: ModelRequest['messages']): 'ok' | 'error' | 'denied' | undefined {
  let outcome: 'ok' | 'error' | 'denied' | undefined;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'tool') break;
    const code = (message.content as { error?: { code?: unknown } } | null)?.error?.code;
    if (message.isError === true && code === 'tool.denied') return 'denied';
    if (message.isError === true) outcome = 'error';
    else outcome ??= 'ok';
  }
  return outcome;
}

function latestInput(messages: ModelRequest['messages']): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'user') return message.content;
  }
  return '';
}

function reacts(reaction: Reaction, request: ModelRequest): boolean {
  if (reaction.lastTool !== undefined && lastToolOutcome(request.messages) !== reaction.lastTool)
    return false;
  return reaction.input === undefined || reaction.input.test(latestInput(request.messages));
}

function compile(script: LoadedScript): CompiledItem[] {
  return script.items.map((item): CompiledItem => {
    if ('error' in item) return { ...item, kind: 'error' };
    if ('hang' in item) return { kind: 'hang' };
    const calls = (item.toolCalls ?? []).map((call) => ({
      name: call.tool,
      input: call.input ?? {},
    }));
    const text = item.text ?? '';
    const callsLength = calls.reduce(
      (sum, call) => sum + call.name.length + JSON.stringify(call.input).length,
      0,
    );
    return {
      kind: 'response',
      text,
      calls,
      finishReason: item.finishReason ?? (calls.length > 0 ? 'tool-calls' : 'stop'),
      outputTokens: textTokens(text.length + callsLength),
      ...(item.usage ? { usage: item.usage } : {}),
    };
  });
}

/** Splits text into at most three deltas for streaming. */
function chunks(text: string): string[] {
  if (text.length < 3) return text.length === 0 ? [] : [text];
  const size = Math.ceil(text.length / 3);
  return [text.slice(0, size), text.slice(size, 2 * size), text.slice(2 * size)].filter(
    (part) => part !== '',
  );
}

// The fields are getters: zod builds each on first use (it reads a getter once and keeps the
// schema), so importing `@agentry/core` does not pay for building them.
const configSchema = z
  .object({
    get script() {
      return z
        .union([z.string().min(1), z.array(z.unknown())])
        .describe(
          'The responses, one per model call of a run: a list of items, or a path (relative to the config file) to a YAML/JSON file holding that list. Item: a string (text), `{ text?, toolCalls?: [{ tool, input }], finishReason?, usage? }`, `{ error: rate_limit|connection|server|timeout|auth|bad_request|invalid_output, message?, retryAfterMs? }`, or `{ hang: true }` (answers only by rejecting when the run is aborted). A response or fault item with `when: { lastTool: ok|error|denied, input: <regex> }` is a reaction: it answers its step only if the condition holds, otherwise the next item answers that step.',
        );
    },
    get model() {
      return z.string().min(1).optional().describe('Model id reported in responses (default `scripted`).');
    },
    get pricing() {
      return z
        .object({
          inputPerMillion: z.number().min(0).describe('USD per million input tokens.'),
          outputPerMillion: z.number().min(0).describe('USD per million output tokens.'),
        })
        .optional()
        .describe('Prices so that `maxCostUsd` budgets can be exercised.');
    },
    get record() {
      return z
        .boolean()
        .default(false)
        .describe('Keep every request in `calls` (tests); off for benchmarks.');
    },
  })
  .strict();

/**
 * What `configSchema` parses a plain config into (a script list or file, a model id, `record`), without
 * building the schema; `undefined` (left to the schema) for anything else, pricing included.
 */
function fastScriptedConfig(raw: unknown): Record<string, unknown> | undefined {
  const config = plainConfig(raw, ['script', 'model', 'record']);
  if (config === undefined) return undefined;
  const { script, model, record = false } = config;
  const scriptOk = Array.isArray(script) || (typeof script === 'string' && script.length > 0);
  const modelOk = model === undefined || (typeof model === 'string' && model.length > 0);
  if (!scriptOk || !modelOk || typeof record !== 'boolean') return undefined;
  return {
    script: Array.isArray(script) ? [...script] : script,
    ...(model === undefined ? {} : { model }),
    record,
  };
}

/**
 * Plays a script: the n-th model call of a run (`request.callIndex`) gets
 * item n, so every run starts at the first item, a resumed run (also in
 * another process) continues where it stopped, and concurrent runs never
 * interfere. Tool-call ids are `call_<step>_<n>`: the step (numbered from 1,
 * as in events) and the call's position in the response, from 1. Usage is
 * estimated at ~4 characters per token (request messages, tool specs and
 * response), so token and cost budgets work; `countInputTokens` gives the
 * same count before the call, and a response longer than the request's
 * `maxOutputTokens` is cut there (finish reason `length`, no tool calls),
 * as a real model's would be. A fault item throws the
 * matching retryable or permanent `ModelError`; a `{ hang: true }` item
 * never answers and rejects with the abort reason when the run is cancelled
 * or times out; a call past the end throws
 * `ModelError('model.script_exhausted')`.
 *
 * @example
 * ```ts
 * const model = new ScriptedModel({
 *   script: [{ toolCalls: [{ tool: 'calc', input: { expression: '1+1' } }] }, 'The answer is 2'],
 * });
 * ```
 */
export class ScriptedModel implements Model {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'model',
      name: 'scripted',
      description: 'Plays a fixed script of responses and faults (demos, tests, benchmarks)',
      configSchema,
      create: (config, deps) => {
        const script =
          typeof config.script === 'string'
            ? loadScriptFile(config.script, deps.baseDir)
            : validateScript(config.script, `script of model ${config.model ?? 'scripted'}`);
        return new ScriptedModel({
          script: script.items,
          source: script.source,
          record: config.record,
          ...(config.model ? { model: config.model } : {}),
          ...(config.pricing ? { pricing: config.pricing } : {}),
        });
      },
    }),
    fastScriptedConfig,
  );

  readonly kind = 'model' as const;
  readonly specVersion = 1 as const;
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly pricing?: ModelPricing;
  /** Every request, in call order, when created with `record: true`; otherwise empty. */
  readonly calls: ModelRequest[] = [];
  readonly #steps: CompiledStep[];
  readonly #source: string;
  readonly #record: boolean;

  constructor(options: ScriptedModelOptions) {
    this.modelId = options.model ?? 'scripted';
    this.#source = options.source ?? `script of model ${this.modelId}`;
    this.#steps = compileSteps(
      isValidatedScript(options.script)
        ? { items: options.script, source: this.#source }
        : validateScript(options.script, this.#source),
    );
    this.#record = options.record ?? false;
    if (options.pricing) this.pricing = options.pricing;
  }

  /** Number of steps the script plays (its items, reactions counted with the item that ends their step). */
  get length(): number {
    return this.#steps.length;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    return this.#respond(request) ?? this.#hang(request);
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const response = this.#respond(request) ?? (await this.#hang(request));
    for (const text of chunks(response.text)) yield { type: 'text-delta', text };
    for (const toolCall of response.toolCalls) yield { type: 'tool-call', toolCall };
    yield { type: 'finish', response };
  }

  /** The input tokens this call will report: the item's fixed `usage.inputTokens`, else the estimate. */
  countInputTokens(request: ModelRequest): number {
    const item = this.#itemFor(request);
    const fixed = item?.kind === 'response' ? item.usage?.inputTokens : undefined;
    return fixed ?? estimateInputTokens(request.messages, request.tools);
  }

  /** The item that answers this request: the first reaction of its step that holds, else the step's item. */
  #itemFor(request: ModelRequest): CompiledItem | undefined {
    const step = this.#steps[request.callIndex];
    if (step === undefined) return undefined;
    if (step.reactions.length === 0) return step.otherwise;
    return step.reactions.find((reaction) => reacts(reaction.when, request))?.item ?? step.otherwise;
  }

  /** A `hang` item: waits for the request's signal, then rejects with its reason. */
  #hang(request: ModelRequest): Promise<never> {
    const signal = request.signal;
    if (!signal) {
      return Promise.reject(
        new ModelError('model.bad_request', {
          message: `Scripted model step ${request.callIndex + 1} is a \`hang\` item but the request has no abort signal`,
          hint: 'Hang items are for cancellation and timeout tests: run them through the runtime, or pass a signal.',
          context: { plugin: 'scripted' },
        }),
      );
    }
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  /** The response of this call, or `undefined` for a hang item; throws faults and exhaustion. */
  #respond(request: ModelRequest): ModelResponse | undefined {
    if (request.signal?.aborted) throw request.signal.reason;
    if (this.#record) this.calls.push(request);
    const index = request.callIndex;
    const step = Number.isInteger(index) && index >= 0 ? this.#steps[index] : undefined;
    if (step === undefined) throw this.#exhausted(index);
    const item = this.#itemFor(request);
    if (item === undefined) throw this.#unmatched(index, step);
    if (item.kind === 'error') throw this.#fault(item, index);
    if (item.kind === 'hang') return undefined;
    const inputTokens = item.usage?.inputTokens ?? estimateInputTokens(request.messages, request.tools);
    const outputTokens = item.usage?.outputTokens ?? item.outputTokens;
    const cap = request.maxOutputTokens;
    if (cap !== undefined && outputTokens > cap) return this.#cut(item, cap, inputTokens);
    const toolCalls = new Array<ToolCallRequest>(item.calls.length);
    const prefix = `call_${index + 1}_`;
    for (let position = 0; position < item.calls.length; position++) {
      const call = item.calls[position]!;
      toolCalls[position] = { id: `${prefix}${position + 1}`, name: call.name, input: call.input };
    }
    return {
      text: item.text,
      toolCalls,
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      finishReason: item.finishReason,
      modelId: this.modelId,
    };
  }

  /** What a real model does at its output cap: the text stops there, unfinished tool calls are dropped. */
  #cut(item: CompiledResponse, cap: number, inputTokens: number): ModelResponse {
    return {
      text: item.text.slice(0, cap * CHARS_PER_TOKEN),
      toolCalls: [],
      usage: { inputTokens, outputTokens: cap, totalTokens: inputTokens + cap },
      finishReason: 'length',
      modelId: this.modelId,
    };
  }

  #unmatched(callIndex: number, step: CompiledStep): ModelError {
    const conditions = step.reactions.map(({ when }) =>
      [when.lastTool && `lastTool: ${when.lastTool}`, when.input && `input: ${when.input.source}`]
        .filter(Boolean)
        .join(', '),
    );
    return new ModelError('model.script_exhausted', {
      message: `Scripted model "${this.modelId}" has no item for step ${callIndex + 1}: none of its reactions holds (${conditions.join(' | ')})`,
      hint: `End the step with an item without \`when\` in the ${this.#source}: it answers when no reaction does.`,
      context: { plugin: 'scripted' },
    });
  }

  #exhausted(callIndex: number): ModelError {
    return new ModelError('model.script_exhausted', {
      message: `Scripted model "${this.modelId}" has no item for step ${callIndex + 1}: its ${this.#source} has ${this.#steps.length} step${this.#steps.length === 1 ? '' : 's'}`,
      hint: `Add items to the ${this.#source}, or lower the run's step budget so it stops earlier.`,
      context: { plugin: 'scripted' },
    });
  }

  #fault(item: ScriptedErrorItem, callIndex: number): ModelError {
    return new ModelError(SCRIPTED_FAULTS[item.error], {
      message: item.message ?? `Scripted ${item.error} fault at step ${callIndex + 1} (${this.#source})`,
      hint: 'This fault was injected by the script of a scripted model.',
      context: { plugin: 'scripted' },
      retryAfterMs: item.retryAfterMs,
    });
  }
}
