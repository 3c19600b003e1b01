/**
 * @agentry/core/plugin: the kit for writing plugins — every plugin contract with its guard,
 * `definePlugin`, `defineTool`, `callNext` for tool executors, the error classes with their guards
 * (which work across duplicated copies of core), and the building blocks of stores.
 * @module
 */
export type {
  AssembledContext,
  AssembleInput,
  ContextAssembler,
  FinalizeInput,
} from './contracts/context-assembler.js';
export { isContextAssembler } from './contracts/context-assembler.js';
export type { EventBus, EventHandler, Unsubscribe } from './contracts/event-bus.js';
export { isEventBus } from './contracts/event-bus.js';
export type { AgentryEvent, AnyAgentryEvent, EventMap, EventType } from './contracts/events.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './contracts/json.js';
export type {
  CompactingMemory,
  Memory,
  MemoryErrorPolicy,
  MemoryInjectInput,
  MemoryInjection,
  MemoryWritebackInput,
  RetrievingMemory,
} from './contracts/memory.js';
export { isCompactingMemory, isMemory, isRetrievingMemory } from './contracts/memory.js';
export type {
  AssistantMessage,
  Message,
  SystemMessage,
  ToolCallRequest,
  ToolMessage,
  UserMessage,
} from './contracts/message.js';
export type {
  FinishReason,
  Model,
  ModelPricing,
  ModelRegistry,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  TokenUsage,
  ToolSpec,
} from './contracts/model.js';
export { isModel } from './contracts/model.js';
export type {
  Pattern,
  PatternContext,
  PatternState,
  PatternTransition,
  ToolCallResult,
} from './contracts/pattern.js';
export { isPattern } from './contracts/pattern.js';
export type {
  Closeable,
  PluginDefinition,
  PluginDeps,
  PluginKind,
  PluginKindMap,
  SlotConfig,
} from './contracts/plugin.js';
export { isCloseable, isPluginDefinition, PLUGIN_SPEC_VERSIONS } from './contracts/plugin.js';
export type { Clock, IdFactory, Logger, Redactor } from './contracts/services.js';
export type {
  Lease,
  Store,
  StoreBatchEntry,
  StoreConditionalOptions,
  StoreFence,
  StoreSetOptions,
  StoreWriteOptions,
} from './contracts/store.js';
export { isStore } from './contracts/store.js';
export type {
  AfterToolHook,
  AfterToolHookPayload,
  ApprovalRule,
  BeforeToolHook,
  BeforeToolHookPayload,
  BeforeToolHookResult,
  SideEffects,
  Tool,
  ToolContext,
  ToolOutcome,
} from './contracts/tool.js';
export { isTool } from './contracts/tool.js';
export type { NextExecutor, ToolExecution, ToolExecutor } from './contracts/tool-executor.js';
export { isToolExecutor } from './contracts/tool-executor.js';
export { refusedInProcess } from './defaults/in-process-conditions.js';
export { InProcessLeases, type LeaseBackend } from './defaults/in-process-leases.js';
export {
  type FencedWriteOptions,
  KeyvStore,
  type KeyvStoreConnection,
  type KeyvStoreOptions,
  type RawCondition,
  type RawEntry,
} from './defaults/keyv-store.js';
export { assertStoreJson, findNonJson, type NonJsonValue } from './defaults/store-json.js';
export {
  AgentryError,
  type AgentryErrorOptions,
  BudgetError,
  type BudgetErrorCode,
  CheckpointError,
  type CheckpointErrorCode,
  ConfigError,
  type ConfigErrorCode,
  type ErrorContext,
  isAgentryError,
  isBudgetError,
  isCheckpointError,
  isConfigError,
  isModelError,
  isPluginError,
  isRunError,
  isStoreError,
  isToolError,
  ModelError,
  type ModelErrorCode,
  PluginError,
  type PluginErrorCode,
  RunError,
  type RunErrorCode,
  StoreError,
  type StoreErrorCode,
  ToolError,
  type ToolErrorCode,
} from './errors/agentry-error.js';
export { BudgetExceededError, isBudgetExceededError } from './errors/budget-exceeded-error.js';
export type { ErrorCode } from './errors/codes.js';
export { callNext, failureOutcome } from './plugin/call-next.js';
export { type DefinePluginInput, definePlugin } from './plugin/define-plugin.js';
export { type DefineToolInput, defineTool } from './plugin/define-tool.js';
