/**
 * @agentry/core: contracts, DefaultRuntime, config, plugin loader, errors,
 * events and the default in-process plugins.
 * @module
 */
export { CONFIG_FILE_NAMES, type LoadConfigOptions, loadConfig, parseConfig } from './config/load-config.js';
export { createRedactor, isSecretName, REDACTED } from './config/redactor.js';
export type { LoadedConfig } from './config/resolve.js';
export {
  type AgentConfig,
  type AgentryConfig,
  configJsonSchema,
  type ModelConfig,
  type ToolSlotConfig,
} from './config/schema.js';
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
export { RUN_ENDING_EVENTS } from './contracts/events.js';
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
  AiSdkLanguageModelLike,
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
  RunInput,
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
  CloseOptions,
  EnqueueRequest,
  ResumeRequest,
  RunErrorContext,
  RunFilter,
  RunInputReceipt,
  RunRecord,
  RunRequest,
  RunResult,
  RunStatus,
  SessionBusyPolicy,
  RunUsage,
  StopReason,
} from './contracts/run.js';
export type {
  ConsumeOptions,
  EnqueueJobOptions,
  JobContext,
  JobHandler,
  JobOutcome,
  Queue,
  QueueConsumer,
  QueueCounts,
  QueueLimits,
  QueueStatus,
  RunJob,
  RunJobKind,
  ScheduledTick,
  ScheduleHandle,
  ScheduleSpec,
} from './contracts/queue.js';
export { isQueue } from './contracts/queue.js';
export type {
  FiringRecord,
  PayloadIssue,
  StartTriggersOptions,
  TriggerHandle,
  TriggerStatus,
  TriggerType,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookReply,
} from './contracts/triggers.js';
export type { TriggerConfig, TriggerInput } from './triggers/trigger-schema.js';
export type { TriggerDefinition } from './triggers/trigger-host.js';
export { type SignatureCheck, type SignatureFormat, signBody } from './triggers/signature.js';
export { scheduleLocally } from './triggers/local-schedule.js';
export type {
  AgentDescription,
  ChildRunner,
  ChildRunRequest,
  PartialDecisions,
  RunQueries,
  RunStream,
  Runtime,
  RunWorker,
  WorkOptions,
  ToolDescription,
} from './contracts/runtime.js';
export { isRuntime } from './contracts/runtime.js';
export type { Clock, IdFactory, Logger, Redactor } from './contracts/services.js';
export type {
  Lease,
  Store,
  StoreBatchEntry,
  StoreFence,
  StoreSetOptions,
  StoreConditionalOptions,
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
// --- defaults (section owned by the core-defaults work) -----------------------
export { DefaultToolExecutor, type DefaultToolExecutorConfig } from './defaults/default-tool-executor.js';
export { MemoryStore, type MemoryStoreOptions } from './defaults/memory-store.js';
export { LocalQueue } from './defaults/local-queue.js';
export { MittEventBus, type MittEventBusOptions } from './defaults/mitt-event-bus.js';
export { ScriptedModel, type ScriptedModelOptions } from './defaults/scripted-model.js';
export {
  SCRIPTED_FAULTS,
  type ScriptedErrorItem,
  type ScriptedFault,
  type ScriptedResponseItem,
  type ScriptItem,
} from './defaults/scripted-model-script.js';
export { type ToolLoopConfig, ToolLoopPattern, type ToolLoopState } from './defaults/tool-loop-pattern.js';
export { TranscriptContextAssembler } from './defaults/transcript-context-assembler.js';
// --- config (section owned by the config work) --------------------------------
export type { ConfigErrorOptions, ConfigIssue } from './errors/agentry-error.js';
// --- errors ------------------------------------------------------------------
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
  type SerializedError,
  StoreError,
  type StoreErrorCode,
  serializeError,
  ToolError,
  type ToolErrorCode,
} from './errors/agentry-error.js';
export { ERROR_CODES, type ErrorAudience, type ErrorCode, isErrorCode } from './errors/codes.js';
// --- loader (section owned by the loader work) --------------------------------
export { type BuiltinPluginInfo, listBuiltinPlugins } from './config/builtin-plugins.js';
// --- definitions -------------------------------------------------------------
export { type DefinePluginInput, definePlugin } from './plugin/define-plugin.js';
export { type DefineToolInput, defineTool } from './plugin/define-tool.js';
// --- runtime (section owned by the runtime work) ------------------------------
export {
  BudgetExceededError,
  type BudgetLimit,
  isBudgetExceededError,
} from './errors/budget-exceeded-error.js';
// --- durability (section owned by the durability work) ------------------------
export { type CreateRuntimeOptions, createRuntime } from './runtime/create-runtime.js';
export { DefaultRuntime } from './runtime/default-runtime.js';
export { type InputScreenConfig, inputScreen } from './runtime/agent/input-screen.js';
export { type RunRateLimitConfig, runRateLimit } from './runtime/agent/run-rate-limit.js';
export type {
  AfterRunHook,
  AfterRunPayload,
  BeforeRunDecision,
  BeforeRunHook,
  RunHookRequest,
  RunHooks,
} from './runtime/agent/run-hooks.js';
export type { ToolHooks } from './runtime/agent/tool-hooks.js';
export {
  ConsoleLogger,
  type ConsoleLoggerOptions,
  isLogLevel,
  type LogLevel,
  silentLogger,
} from './services/console-logger.js';
export { RandomIdFactory, type RandomIdFactoryOptions } from './services/random-id-factory.js';
export { SystemClock } from './services/system-clock.js';
