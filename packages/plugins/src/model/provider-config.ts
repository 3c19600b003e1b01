/** What the provider model classes share: config validation with a typed error, secrets registered, SDK options built. */
import { PluginError, type Redactor } from '@agentry/core';
import type { LanguageModel } from 'ai';
import { z } from 'zod';
import type { AiSdkModelOptions } from './ai-sdk-model.js';
import { type ProviderModelConfig, secretHeaderValues } from './model-config.js';

/** The settings every AI SDK provider factory (`createOpenAI`, `createAnthropic`, …) takes, set only when configured. */
export interface ProviderSettings {
  apiKey?: string;
  baseURL?: string;
  headers?: Record<string, string>;
}

/** How one provider class turns its parsed config into an AI SDK model. */
export interface ProviderModelSetup {
  /** Provider name in errors and events (`openai`, or the configured `name` of an openai-compatible server). */
  provider: string;
  /** Env var holding the key; when set, a call without a key fails with `model.auth` naming it. */
  apiKeyEnv?: string;
  redactor?: Redactor | undefined;
  /** Builds the SDK model from the provider settings (the key is read at the first call). */
  createLanguageModel(settings: ProviderSettings): LanguageModel;
}

/**
 * The `AiSdkModel` options of a provider class: the key and credential headers go to the redactor, the
 * common config fields are copied, and the provider factory receives only the settings that are set.
 */
export function providerModelOptions(
  parsed: ProviderModelConfig,
  setup: ProviderModelSetup,
): AiSdkModelOptions {
  registerSecrets(setup.redactor, parsed, setup.apiKeyEnv);
  return {
    provider: setup.provider,
    modelId: parsed.model,
    apiKey: parsed.apiKey,
    apiKeyEnv: setup.apiKeyEnv,
    requireApiKey: setup.apiKeyEnv !== undefined,
    extraSecrets: secretHeaderValues(parsed.headers),
    timeoutMs: parsed.timeoutMs,
    temperature: parsed.temperature,
    maxOutputTokens: parsed.maxOutputTokens,
    pricing: parsed.pricing,
    createLanguageModel: (apiKey) => {
      const settings: ProviderSettings = {};
      if (apiKey !== undefined) settings.apiKey = apiKey;
      if (parsed.baseURL !== undefined) settings.baseURL = parsed.baseURL;
      if (parsed.headers !== undefined) settings.headers = parsed.headers;
      return setup.createLanguageModel(settings);
    },
  };
}

/** Parses `config` with `schema`; a failure is `plugin.config_invalid` naming the plugin. */
export function parseModelConfig<S extends z.ZodType>(
  schema: S,
  config: unknown,
  plugin: string,
): z.output<S> {
  const result = schema.safeParse(config);
  if (result.success) return result.data;
  throw new PluginError('plugin.config_invalid', {
    message: `Invalid config for model provider "${plugin}":\n${z.prettifyError(result.error)}`,
    hint: 'Fix the model entry in the config file (see `agentry schema`).',
    context: { plugin },
  });
}

/** Registers the key and credential headers with the runtime's redactor. */
function registerSecrets(
  redactor: Redactor | undefined,
  config: { apiKey?: string | undefined; headers?: Record<string, string> | undefined },
  apiKeyEnv?: string,
): void {
  if (redactor === undefined) return;
  const key = config.apiKey ?? (apiKeyEnv === undefined ? undefined : process.env[apiKeyEnv]);
  if (key) redactor.addSecret(key);
  for (const value of secretHeaderValues(config.headers)) redactor.addSecret(value);
}
