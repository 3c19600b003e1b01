/**
 * @agentry/core: contracts, DefaultRuntime, config, plugin loader, errors,
 * events and the default in-process plugins.
 * @module
 */
import 'reflect-metadata';

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
// --- contracts ---------------------------------------------------------------
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
export type {
  ApprovalAction,
  ApprovalPolicy,
  Budget,
  Decision,
  PendingCall,
  ResumeRequest,
  RunFilter,
  RunRecord,
  RunRequest,
  RunResult,
  RunStatus,
  RunUsage,
  StopReason,
} from './contracts/run.js';
export type { RunQueries, Runtime } from './contracts/runtime.js';
export { isRuntime } from './contracts/runtime.js';
export type { Clock, IdFactory, Logger, Redactor } from './contracts/services.js';
export type { Lease, Store, StoreSetOptions } from './contracts/store.js';
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
// --- errors ------------------------------------------------------------------
export {
  AgentryError,
  type AgentryErrorOptions,
  BudgetError,
  CheckpointError,
  ConfigError,
  type ErrorContext,
  isAgentryError,
  ModelError,
  PluginError,
  RunError,
  type SerializedError,
  StoreError,
  serializeError,
  ToolError,
} from './errors/agentry-error.js';
export { ERROR_CODES, type ErrorAudience, type ErrorCode, isErrorCode } from './errors/codes.js';
// --- definitions -------------------------------------------------------------
export { type DefinePluginInput, definePlugin } from './plugin/define-plugin.js';
export { type DefineToolInput, defineTool } from './plugin/define-tool.js';

// --- config (section owned by the config work) --------------------------------

// --- loader (section owned by the loader work) --------------------------------

// --- defaults (section owned by the core-defaults work) -----------------------

// --- runtime (section owned by the runtime work) ------------------------------

// --- durability (section owned by the durability work) ------------------------
