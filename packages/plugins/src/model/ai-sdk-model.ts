/** The shared body of the AI SDK backed models: request mapping, streaming, timeouts and error classification. */
import type {
  FinishReason,
  JsonValue,
  Model,
  ModelPricing,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  TokenUsage,
  ToolCallRequest,
} from '@agentry/core';
import { ModelError } from '@agentry/core';
import {
  generateText,
  InvalidToolInputError,
  type LanguageModel,
  type LanguageModelUsage,
  NoSuchToolError,
  streamText,
  type ToolSet,
} from 'ai';
import { tokenCounterFor } from '../context/token-counter.js';
import { toModelMessages, toToolSet } from './message-mapping.js';
import { abortError, type ModelErrorContext, missingKeyError, toModelError } from './model-errors.js';

/** What a concrete provider model passes to `AiSdkModel`. */
export interface AiSdkModelOptions {
  provider: string;
  modelId: string;
  /** Configured key; when absent `apiKeyEnv` is read at the first call. */
  apiKey?: string | undefined;
  /** Env var holding the key (e.g. `OPENAI_API_KEY`). */
  apiKeyEnv?: string | undefined;
  /** True when a call cannot work without a key. */
  requireApiKey: boolean;
  /** Builds the SDK model once the key is known. */
  createLanguageModel(apiKey: string | undefined): LanguageModel;
  /** Other secret values (auth headers) to keep out of messages. */
  extraSecrets?: readonly string[];
  timeoutMs?: number | undefined;
  temperature?: number | undefined;
  maxOutputTokens?: number | undefined;
  pricing?: ModelPricing | undefined;
}

interface CallScope {
  signal: AbortSignal;
  context: ModelErrorContext;
  done(): void;
}

/**
 * A `Model` over an AI SDK language model. The SDK never retries
 * (`maxRetries: 0`); failures are classified into `ModelError`s so the
 * runtime decides about retrying.
 */
export abstract class AiSdkModel implements Model {
  readonly kind = 'model' as const;
  readonly specVersion = 1 as const;
  readonly provider: string;
  readonly modelId: string;
  /** Price per million tokens, when configured. */
  readonly pricing?: ModelPricing;
  /** The configured per-call output cap; budgets never raise a call's cap above it. */
  readonly maxOutputTokens?: number;
  readonly #options: AiSdkModelOptions;
  #language: { model: LanguageModel; apiKey: string | undefined } | undefined;

  protected constructor(options: AiSdkModelOptions) {
    this.provider = options.provider;
    this.modelId = options.modelId;
    if (options.pricing !== undefined) this.pricing = options.pricing;
    if (options.maxOutputTokens !== undefined) this.maxOutputTokens = options.maxOutputTokens;
    this.#options = options;
  }

  /**
   * Input tokens of `request` for pre-emptive budgets: tiktoken for OpenAI model ids, ~4 characters per token
   * otherwise (messages with their per-message overhead, plus the tool specs).
   */
  async countInputTokens(request: ModelRequest): Promise<number> {
    const counter = await tokenCounterFor(this.modelId);
    const tools = request.tools.length > 0 ? counter.countText(JSON.stringify(request.tools)) : 0;
    return counter.countMessages(request.messages) + tools;
  }

  /** One complete response. Rejects with a `ModelError` (or the abort reason when it is an `AgentryError`). */
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const scope = this.#begin(request);
    try {
      const { model } = this.#resolveModel(scope.context);
      const result = await generateText({
        model,
        messages: toModelMessages(request.messages),
        allowSystemInMessages: true,
        maxRetries: 0,
        abortSignal: scope.signal,
        ...this.#settings(request),
      });
      const toolCalls = result.toolCalls.map((call) => this.#toToolCall(call));
      return {
        text: result.text,
        toolCalls,
        usage: toUsage(result.usage),
        finishReason: toFinishReason(result.finishReason),
        modelId: result.response.modelId,
      };
    } catch (error) {
      throw toModelError(error, scope.context);
    } finally {
      scope.done();
    }
  }

  /** Streams text deltas and tool calls; the last part is `finish` with the same content `generate` would return. */
  async *stream(request: ModelRequest): AsyncGenerator<ModelStreamPart> {
    const scope = this.#begin(request);
    let text = '';
    const toolCalls: ToolCallRequest[] = [];
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    let finishReason: FinishReason = 'other';
    let modelId: string | undefined;
    try {
      const { model } = this.#resolveModel(scope.context);
      const result = streamText({
        model,
        messages: toModelMessages(request.messages),
        allowSystemInMessages: true,
        maxRetries: 0,
        abortSignal: scope.signal,
        onError: () => {},
        ...this.#settings(request),
      });
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') {
          text += part.text;
          yield { type: 'text-delta', text: part.text };
        } else if (part.type === 'tool-call') {
          const call = this.#toToolCall(part);
          toolCalls.push(call);
          yield { type: 'tool-call', toolCall: call };
        } else if (part.type === 'finish-step') {
          modelId = part.response.modelId;
        } else if (part.type === 'finish') {
          usage = toUsage(part.totalUsage);
          finishReason = toFinishReason(part.finishReason);
        } else if (part.type === 'error') {
          throw part.error;
        } else if (part.type === 'abort') {
          throw new Error('The model stream was aborted');
        }
      }
    } catch (error) {
      throw toModelError(error, scope.context);
    } finally {
      scope.done();
    }
    const response: ModelResponse = { text, toolCalls, usage, finishReason };
    if (modelId !== undefined) response.modelId = modelId;
    yield { type: 'finish', response };
  }

  /** The call settings this request sets: its tools, temperature and output cap (absent ones are left out). */
  #settings(request: ModelRequest): { tools?: ToolSet; temperature?: number; maxOutputTokens?: number } {
    const tools = toToolSet(request.tools);
    const temperature = request.temperature ?? this.#options.temperature;
    const maxOutputTokens = request.maxOutputTokens ?? this.#options.maxOutputTokens;
    return {
      ...(tools === undefined ? {} : { tools }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    };
  }

  #resolveModel(context: ModelErrorContext): { model: LanguageModel } {
    const options = this.#options;
    const apiKey =
      options.apiKey ?? (options.apiKeyEnv === undefined ? undefined : process.env[options.apiKeyEnv]);
    if (options.requireApiKey && (apiKey === undefined || apiKey === '')) throw missingKeyError(context);
    if (apiKey !== undefined && apiKey !== '' && !context.secrets.includes(apiKey)) {
      context.secrets = [...context.secrets, apiKey];
    }
    if (this.#language === undefined || this.#language.apiKey !== apiKey) {
      this.#language = { model: options.createLanguageModel(apiKey), apiKey };
    }
    return { model: this.#language.model };
  }

  #begin(request: ModelRequest): CallScope {
    const options = this.#options;
    const secrets = [...(options.extraSecrets ?? [])];
    if (options.apiKey) secrets.push(options.apiKey);
    const context: ModelErrorContext = {
      provider: options.provider,
      modelId: options.modelId,
      secrets,
      ...(options.apiKeyEnv === undefined ? {} : { apiKeyEnv: options.apiKeyEnv }),
      ...(request.signal === undefined ? {} : { callerSignal: request.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    const label = `${options.provider} model "${options.modelId}"`;
    if (request.signal?.aborted === true) throw abortError(request.signal, label);
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined) {
      const timeout = new AbortController();
      context.timeoutSignal = timeout.signal;
      timer = setTimeout(() => {
        timeout.abort();
        controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    }
    return {
      signal: controller.signal,
      context,
      done: () => {
        if (timer !== undefined) clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (!controller.signal.aborted) controller.abort(new Error('model call finished'));
      },
    };
  }

  #toToolCall(call: {
    toolCallId: string;
    toolName: string;
    input: unknown;
    invalid?: boolean | undefined;
    error?: unknown;
  }): ToolCallRequest {
    if (call.invalid === true && !NoSuchToolError.isInstance(call.error)) {
      const reason = InvalidToolInputError.isInstance(call.error) ? 'is not valid JSON' : 'could not be read';
      throw new ModelError('model.invalid_output', {
        message: `${this.provider} model "${this.modelId}" called tool "${call.toolName}" with arguments that ${reason}`,
        hint: 'The model produced malformed tool arguments; retrying the call usually helps.',
        cause: call.error,
      });
    }
    let input = call.input;
    if (typeof input === 'string' && call.invalid === true) {
      try {
        input = JSON.parse(input) as unknown;
      } catch (error) {
        throw new ModelError('model.invalid_output', {
          message: `${this.provider} model "${this.modelId}" called tool "${call.toolName}" with arguments that are not valid JSON`,
          hint: 'The model produced malformed tool arguments; retrying the call usually helps.',
          cause: error,
        });
      }
    }
    return { id: call.toolCallId, name: call.toolName, input: (input ?? {}) as JsonValue };
  }
}

function toUsage(usage: LanguageModelUsage): TokenUsage {
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: usage.totalTokens ?? inputTokens + outputTokens };
}

function toFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
    case 'tool-calls':
    case 'length':
    case 'content-filter':
    case 'error':
      return reason;
    default:
      return 'other';
  }
}
