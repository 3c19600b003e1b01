/** `openai` model: OpenAI's Chat Completions API through the AI SDK (`@ai-sdk/openai`). */
import { definePlugin, type Redactor } from '@agentry/core';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { AiSdkModel } from './ai-sdk-model.js';
import { providerModelConfigShape } from './model-config.js';
import { parseModelConfig, providerModelOptions } from './provider-config.js';

const API_KEY_ENV = 'OPENAI_API_KEY';

const configSchema = z
  .object({
    ...providerModelConfigShape({ apiKeyEnv: API_KEY_ENV }),
    api: z
      .enum(['chat', 'responses'])
      .default('chat')
      .describe(
        'OpenAI API to call: chat (Chat Completions, stateless, default) or responses (Responses API)',
      ),
  })
  .strict()
  .describe('OpenAI model (Chat Completions or Responses API)');

/** Config of `OpenAIModel` as written in YAML. */
export type OpenAIModelConfig = z.input<typeof configSchema>;

/**
 * A model served by OpenAI. By default it speaks the Chat Completions API
 * (`POST {baseURL}/chat/completions`), which is stateless and also what
 * proxies and gateways implement — although the AI SDK's `openai(id)` would
 * pick the Responses API. `api: responses` selects the Responses API
 * (`POST {baseURL}/responses`); Agentry sends the whole conversation each
 * call, so no server-side conversation state is relied on.
 *
 * @example
 * ```ts
 * const model = new OpenAIModel({ model: 'gpt-4.1-mini', pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6 } });
 * const response = await model.generate({ messages: [{ role: 'user', content: 'Hi' }], tools: [], runId: 'r', callIndex: 0 });
 * ```
 */
export class OpenAIModel extends AiSdkModel {
  static readonly plugin = definePlugin({
    kind: 'model',
    name: 'openai',
    description: 'OpenAI models (Chat Completions API) via the AI SDK',
    configSchema,
    create: (config, deps) => new OpenAIModel(config, { redactor: deps.redactor }),
  });

  constructor(config: OpenAIModelConfig, services: { redactor?: Redactor } = {}) {
    const parsed = parseModelConfig(configSchema, config, 'openai');
    super(
      providerModelOptions(parsed, {
        provider: 'openai',
        apiKeyEnv: API_KEY_ENV,
        redactor: services.redactor,
        createLanguageModel: (settings) => {
          const provider = createOpenAI(settings);
          return parsed.api === 'responses' ? provider.responses(parsed.model) : provider.chat(parsed.model);
        },
      }),
    );
  }
}
