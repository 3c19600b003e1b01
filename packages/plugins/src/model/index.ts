/**
 * @agentry/plugins/model: AI SDK backed models (`openai`, `anthropic`, `openai-compatible`, and `ai-sdk` for a
 * language model object built in code with AI SDK 5, 6 or 7 providers).
 * @module
 */
export { AiSdkLanguageModel, type AiSdkLanguageModelConfig } from './ai-sdk-language-model.js';
export { AiSdkModel, type AiSdkModelOptions } from './ai-sdk-model.js';
export { AnthropicModel, type AnthropicModelConfig } from './anthropic-model.js';
export { isLanguageModelObject, toLanguageModel } from './language-model-versions.js';
export { type ModelErrorContext, parseRetryAfter, toModelError } from './model-errors.js';
export { OpenAICompatibleModel, type OpenAICompatibleModelConfig } from './openai-compatible-model.js';
export { OpenAIModel, type OpenAIModelConfig } from './openai-model.js';
