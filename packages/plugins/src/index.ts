/**
 * @agentry/plugins: the builtin implementation of every plugin kind. Each kind
 * also has its own subpath (`@agentry/plugins/memory`, `…/store`, …) with its
 * helpers and config types, and each store, model, tool and event bus a module
 * of its own (`@agentry/plugins/store/sqlite`), which loads only the client
 * libraries that builtin needs; this entry exports the plugin classes.
 * @module
 */
export { BufferMemory, ChainMemory, PersistentMemory, SummaryMemory, WindowMemory } from './memory/index.js';
export { TokenBudgetContextAssembler, TruncatingContextAssembler } from './context/index.js';
export { PlanExecutePattern, ReflexionPattern } from './pattern/index.js';
export {
  ConcurrentToolExecutor,
  PolicyToolExecutor,
  RetryingToolExecutor,
  TimeoutToolExecutor,
} from './tool-executor/index.js';
export { ConsoleEventBus, NdjsonFileEventBus, OtelEventBus, RedisEventBus } from './event-bus/index.js';
export { FileStore, PostgresStore, RedisStore, SqliteStore } from './store/index.js';
export { AnthropicModel, OpenAICompatibleModel, OpenAIModel } from './model/index.js';
export {
  AgentTool,
  CalcTool,
  HttpTool,
  ListFilesTool,
  McpToolSource,
  ReadFileTool,
  SearchFilesTool,
  ShellTool,
  TimeTool,
  WriteFileTool,
} from './tool/index.js';
