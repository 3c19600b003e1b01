/**
 * @agentry/plugins/tool-executor: builtin tool executors (middleware; the first listed sees a call first).
 * @module
 */
export {
  ConcurrentToolExecutor,
  type ConcurrentToolExecutorConfig,
} from './concurrent-tool-executor.js';
export { PolicyToolExecutor, type PolicyToolExecutorConfig } from './policy-tool-executor.js';
export {
  type RandomSource,
  RetryingToolExecutor,
  type RetryingToolExecutorConfig,
} from './retrying-tool-executor.js';
export { TimeoutToolExecutor, type TimeoutToolExecutorConfig } from './timeout-tool-executor.js';
