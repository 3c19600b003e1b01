/**
 * @agentry/plugins/model: AI SDK backed models (`openai`, `anthropic`, `openai-compatible`).
 * @module
 */
export { AiSdkModel, type AiSdkModelOptions } from './ai-sdk-model.js';
export { AnthropicModel, type AnthropicModelConfig } from './anthropic-model.js';
export { type ModelErrorContext, parseRetryAfter, toModelError } from './model-errors.js';
export { OpenAICompatibleModel, type OpenAICompatibleModelConfig } from './openai-compatible-model.js';
export { OpenAIModel, type OpenAIModelConfig } from './openai-model.js';
