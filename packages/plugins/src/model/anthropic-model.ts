/** `anthropic` model: Anthropic's Messages API through the AI SDK (`@ai-sdk/anthropic`). */
import { definePlugin, type Redactor } from '@agentry/core';
import { createAnthropic } from '@ai-sdk/anthropic';
import { z } from 'zod';
import { AiSdkModel } from './ai-sdk-model.js';
import { providerModelConfigShape } from './model-config.js';
import { parseModelConfig, providerModelOptions } from './provider-config.js';

const API_KEY_ENV = 'ANTHROPIC_API_KEY';

const configSchema = z
  .object(providerModelConfigShape({ apiKeyEnv: API_KEY_ENV }))
  .strict()
  .describe('Anthropic model (Messages API)');

/** Config of `AnthropicModel` as written in YAML. */
export type AnthropicModelConfig = z.input<typeof configSchema>;

/**
 * A Claude model served by Anthropic's Messages API (`POST {baseURL}/messages`,
 * default base URL `https://api.anthropic.com/v1`).
 *
 * @example
 * ```ts
 * const model = new AnthropicModel({ model: 'claude-sonnet-4-5', maxOutputTokens: 4096 });
 * ```
 */
export class AnthropicModel extends AiSdkModel {
  static readonly plugin = definePlugin({
    kind: 'model',
    name: 'anthropic',
    description: 'Anthropic Claude models (Messages API) via the AI SDK',
    configSchema,
    create: (config, deps) => new AnthropicModel(config, { redactor: deps.redactor }),
  });

  constructor(config: AnthropicModelConfig, services: { redactor?: Redactor } = {}) {
    const parsed = parseModelConfig(configSchema, config, 'anthropic');
    super(
      providerModelOptions(parsed, {
        provider: 'anthropic',
        apiKeyEnv: API_KEY_ENV,
        redactor: services.redactor,
        createLanguageModel: (settings) => createAnthropic(settings)(parsed.model),
      }),
    );
  }
}
