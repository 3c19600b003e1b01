/** Validates a provider model's config outside the loader (direct construction) with a clear typed error. */
import { PluginError, type Redactor } from '@agentry/core';
import { z } from 'zod';
import { secretHeaderValues } from './model-config.js';

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
export function registerSecrets(
  redactor: Redactor | undefined,
  config: { apiKey?: string | undefined; headers?: Record<string, string> | undefined },
  apiKeyEnv?: string,
): void {
  if (redactor === undefined) return;
  const key = config.apiKey ?? (apiKeyEnv === undefined ? undefined : process.env[apiKeyEnv]);
  if (key) redactor.addSecret(key);
  for (const value of secretHeaderValues(config.headers)) redactor.addSecret(value);
}
