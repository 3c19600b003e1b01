/** `openai-compatible` model: any server speaking OpenAI's Chat Completions protocol (Ollama, vLLM, LM Studio, llama.cpp). */
import { definePlugin, type Redactor } from '@agentry/core';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import { AiSdkModel } from './ai-sdk-model.js';
import { providerModelConfigShape } from './model-config.js';
import { parseModelConfig, providerModelOptions } from './provider-config.js';

const configSchema = z
  .object({
    ...providerModelConfigShape({}),
    baseURL: z
      .url()
      .describe('Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama)'),
    name: z
      .string()
      .min(1)
      .default('openai-compatible')
      .describe('Provider name shown in errors and events, e.g. ollama'),
  })
  .strict()
  .describe('A model behind an OpenAI-compatible Chat Completions server');

/** Config of `OpenAICompatibleModel` as written in YAML. */
export type OpenAICompatibleModelConfig = z.input<typeof configSchema>;

/**
 * A model behind an OpenAI-compatible server. `baseURL` is required (for
 * Ollama `http://127.0.0.1:11434/v1`); `apiKey` is optional and sent as a
 * bearer token when set. Streaming asks for usage (`stream_options.include_usage`).
 *
 * @example
 * ```ts
 * const model = new OpenAICompatibleModel({ baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2' });
 * ```
 */
export class OpenAICompatibleModel extends AiSdkModel {
  static readonly plugin = definePlugin({
    kind: 'model',
    name: 'openai-compatible',
    description: 'Any OpenAI-compatible server (Ollama, vLLM, LM Studio) via the AI SDK',
    configSchema,
    create: (config, deps) => new OpenAICompatibleModel(config, { redactor: deps.redactor }),
  });

  constructor(config: OpenAICompatibleModelConfig, services: { redactor?: Redactor } = {}) {
    const parsed = parseModelConfig(configSchema, config, 'openai-compatible');
    super(
      providerModelOptions(parsed, {
        provider: parsed.name,
        redactor: services.redactor,
        createLanguageModel: (settings) =>
          createOpenAICompatible({
            ...settings,
            name: parsed.name,
            baseURL: parsed.baseURL,
            includeUsage: true,
          })(parsed.model),
      }),
    );
  }
}
