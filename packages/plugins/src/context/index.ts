/**
 * @agentry/plugins/context: context assemblers that trim what the model sees
 * (`truncating`, `token-budget`).
 * @module
 */
export { groupMessages, type MessageGroup } from './message-groups.js';
export {
  TokenBudgetContextAssembler,
  type TokenBudgetContextAssemblerConfig,
} from './token-budget-context-assembler.js';
export {
  charsTokenCounter,
  encodingForModel,
  type TokenCounter,
  type TokenEncoding,
  type TokenEncodingChoice,
  tokenCounterFor,
} from './token-counter.js';
export {
  TruncatingContextAssembler,
  type TruncatingContextAssemblerConfig,
} from './truncating-context-assembler.js';
