/** The config schema shared by the AI SDK backed models (`openai`, `anthropic`, `openai-compatible`). */
import { z } from 'zod';

/** Fields every provider model accepts; `apiKey` is marked secret so it is redacted wherever config is shown. */
export function providerModelConfigShape(options: { apiKeyEnv?: string }) {
  const keySource = options.apiKeyEnv
    ? `defaults to the ${options.apiKeyEnv} environment variable`
    : 'omit it for servers that need none';
  return {
    model: z.string().min(1).describe('Model id sent to the provider, e.g. gpt-4.1-mini'),
    apiKey: z.string().min(1).optional().meta({ secret: true }).describe(`API key (secret; ${keySource})`),
    baseURL: z
      .url()
      .optional()
      .describe("Base URL of the provider's API; defaults to the provider's public endpoint"),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra HTTP headers sent with every request'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(600_000)
      .describe('Longest time one model call (including a whole stream) may take, in milliseconds'),
    pricing: z
      .object({
        inputPerMillion: z.number().nonnegative().describe('USD per million input tokens'),
        outputPerMillion: z.number().nonnegative().describe('USD per million output tokens'),
      })
      .optional()
      .describe('Price of the model; enables the maxCostUsd budget'),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe('Sampling temperature (per-request value wins)'),
    maxOutputTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Upper bound of generated tokens per call (per-request value wins)'),
  };
}

/** The parsed common fields of a provider model's config. */
export type ProviderModelConfig = z.output<z.ZodObject<ReturnType<typeof providerModelConfigShape>>>;

/** Header values that look like credentials; they are kept out of error messages. */
export function secretHeaderValues(headers: Record<string, string> | undefined): string[] {
  if (headers === undefined) return [];
  return Object.entries(headers)
    .filter(([name]) => /auth|key|token|secret|cookie/i.test(name))
    .map(([, value]) => value.replace(/^Bearer\s+/i, ''))
    .filter((value) => value.length > 0);
}
