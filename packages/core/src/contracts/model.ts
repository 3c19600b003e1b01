/** Contract for the `model` plugin kind: one language model, generate and stream, with tool calls and usage. */
import type { JsonObject } from './json.js';
import type { Message, ToolCallRequest } from './message.js';

/** What the model is told about one tool. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool input (generated once per run, never per step). */
  inputSchema: JsonObject;
}

/** Token usage of one or more model calls. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** One request to a model. */
export interface ModelRequest {
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  /** Aborts the call when the run is cancelled or times out. */
  signal?: AbortSignal;
  /** The run this call belongs to. */
  runId: string;
  /**
   * 0-based index of this model call within the run (an index, for scripts and caches: step N is
   * `callIndex` N - 1); stable across resume.
   */
  callIndex: number;
  /** Optional JSON Schema the final answer must satisfy. */
  outputSchema?: JsonObject;
  temperature?: number;
  /**
   * Most output tokens this call may produce. The runtime lowers it when a token or cost budget allows
   * fewer; a model must stop there (finish reason `length`) and report no more output tokens than this.
   */
  maxOutputTokens?: number;
}

/** Why the model stopped producing output. */
export type FinishReason = 'stop' | 'tool-calls' | 'length' | 'content-filter' | 'error' | 'other';

/** One complete model response. */
export interface ModelResponse {
  text: string;
  /** Tool calls in the order the model produced them; empty when none. */
  toolCalls: ToolCallRequest[];
  usage: TokenUsage;
  finishReason: FinishReason;
  /** Provider model id that actually answered, when the provider reports it. */
  modelId?: string;
}

/** A piece of a streamed response; the last part is always `finish`. */
export type ModelStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCallRequest }
  | { type: 'finish'; response: ModelResponse };

/** Price of a model per million tokens, used for `maxCostUsd`. */
export interface ModelPricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * A language model. `generate` must throw a `ModelError` (see errors) with
 * `retryable` set correctly: rate limits, connection failures, timeouts and 5xx
 * are retryable; other 4xx are permanent.
 */
export interface Model {
  readonly kind: 'model';
  readonly specVersion: 1;
  /** Provider name (`openai`, `anthropic`, `scripted` …). */
  readonly provider: string;
  /** The model id sent to the provider. */
  readonly modelId: string;
  /** Price table entry, when configured; enables `maxCostUsd`. */
  readonly pricing?: ModelPricing;
  /** The model's own per-call output cap, when configured; the runtime never raises a call's cap above it. */
  readonly maxOutputTokens?: number;
  /**
   * Counts the input tokens `request` would be billed for (messages and tool specs), for pre-emptive token
   * and cost budgets. Without it the runtime estimates ~4 characters per token.
   */
  countInputTokens?(request: ModelRequest): number | Promise<number>;
  generate(request: ModelRequest): Promise<ModelResponse>;
  /** Streams the response; when absent the runtime falls back to `generate`. */
  stream?(request: ModelRequest): AsyncIterable<ModelStreamPart>;
}

/**
 * An AI SDK language model object (`openai('gpt-4.1-mini')` of an AI SDK 5, 6 or 7 provider), recognised by
 * its `specificationVersion`. `createRuntime({ models })` accepts it beside `Model`s and wraps it in the
 * builtin `ai-sdk` model of `@agentry/plugins`, which adapts the specification version.
 */
export interface AiSdkLanguageModelLike {
  readonly specificationVersion: string;
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

/** The models declared in config, by name. */
export interface ModelRegistry {
  get(name: string): Model;
  names(): string[];
}

export function isModel(value: unknown): value is Model {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'model';
}
