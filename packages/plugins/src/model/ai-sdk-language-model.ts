/** `ai-sdk` model: an AI SDK language model object built in code (AI SDK 5, 6 or 7 providers) as an Agentry model. */
import { definePlugin } from '@agentry/core';
import { z } from 'zod';
import { AiSdkModel } from './ai-sdk-model.js';
import {
  isLanguageModelObject,
  SUPPORTED_SPECIFICATION_VERSIONS,
  toLanguageModel,
} from './language-model-versions.js';
import { providerModelConfigShape } from './model-config.js';
import { parseModelConfig } from './provider-config.js';

const { timeoutMs, pricing, temperature, maxOutputTokens } = providerModelConfigShape({});

const configSchema = z
  .object({
    languageModel: z
      .custom<{ readonly specificationVersion: string }>(isLanguageModelObject, {
        message:
          'expected an AI SDK language model object (e.g. openai("gpt-4.1-mini")); it can only be passed in code, through createRuntime({ models })',
      })
      .describe(
        `The AI SDK language model object (specification ${SUPPORTED_SPECIFICATION_VERSIONS.join(', ')})`,
      ),
    timeoutMs,
    pricing,
    temperature,
    maxOutputTokens,
  })
  .strict()
  .describe('createRuntime({ models }) wraps such an object in it by itself');

/** Config of `AiSdkLanguageModel`. */
export type AiSdkLanguageModelConfig = z.input<typeof configSchema>;

/**
 * Any AI SDK language model as an Agentry model: `specificationVersion` v2 and v3 (AI SDK 5 and 6
 * providers) run as they are, v4 (AI SDK 7 providers, Node 22+) through an adapter, so generate, stream,
 * tool calls, usage and error classification behave as with the builtin `openai` and `anthropic` models.
 * The provider object keeps its own key and settings; `createRuntime({ models })` wraps such an object in
 * this class by itself.
 *
 * @example
 * ```ts
 * import { openai } from '@ai-sdk/openai'; // AI SDK 6 or 7
 * const runtime = await createRuntime({ config: { version: 1, agents: { assistant: { model: 'main' } } }, models: { main: openai('gpt-4.1-mini') } });
 * // or explicitly, with a price for maxCostUsd:
 * const model = new AiSdkLanguageModel({ languageModel: openai('gpt-4.1-mini'), pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6 } });
 * ```
 */
export class AiSdkLanguageModel extends AiSdkModel {
  static readonly plugin = definePlugin({
    kind: 'model',
    name: 'ai-sdk',
    description: 'An AI SDK language model object passed in code (AI SDK 5, 6 or 7 providers)',
    configSchema,
    create: (config) => new AiSdkLanguageModel(config),
  });

  constructor(config: AiSdkLanguageModelConfig) {
    const parsed = parseModelConfig(configSchema, config, 'ai-sdk');
    const languageModel = toLanguageModel(parsed.languageModel);
    super({
      provider: languageModel.provider,
      modelId: languageModel.modelId,
      requireApiKey: false,
      timeoutMs: parsed.timeoutMs,
      temperature: parsed.temperature,
      maxOutputTokens: parsed.maxOutputTokens,
      pricing: parsed.pricing,
      createLanguageModel: () => languageModel,
    });
  }
}
