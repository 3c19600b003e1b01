/**
 * @agentry/core: contracts, DefaultRuntime, config, plugin loader, errors,
 * events and the default in-process plugins.
 * @module
 */
import './loader/reflect-metadata.js';

export { didYouMean, levenshtein } from './config/did-you-mean.js';
export { formatIssue, formatPath } from './config/issues.js';
export {
  CONFIG_FILE_NAMES,
  type LoadConfigOptions,
  loadConfig,
  parseConfig,
  resolveConfigObject,
} from './config/load-config.js';
export { createRedactor, isSecretName, REDACTED } from './config/redactor.js';
export {
  CONFIG_PRECEDENCE,
  type ConfigExplanation,
  type ConfigValueSource,
  type LoadedConfig,
} from './config/resolve.js';
export {
  type AgentConfig,
  type AgentryConfig,
  agentryConfigSchema,
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
export type {
  AgentDescription,
  ChildRunner,
  ChildRunRequest,
  RunQueries,
  Runtime,
  ToolDescription,
} from './contracts/runtime.js';
export { isRuntime } from './contracts/runtime.js';
export type { Clock, IdFactory, Logger, Redactor } from './contracts/services.js';
export type { Lease, Store, StoreFence, StoreSetOptions, StoreWriteOptions } from './contracts/store.js';
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
export { InProcessLeases, type LeaseBackend } from './defaults/in-process-leases.js';
export {
  type FencedWriteOptions,
  KeyvStore,
  type KeyvStoreConnection,
  type KeyvStoreOptions,
  type RawEntry,
} from './defaults/keyv-store.js';
export { MemoryStore, type MemoryStoreOptions } from './defaults/memory-store.js';
export { MittEventBus, type MittEventBusOptions } from './defaults/mitt-event-bus.js';
export { ScriptedModel, type ScriptedModelOptions } from './defaults/scripted-model.js';
export {
  SCRIPTED_FAULTS,
  type ScriptedErrorItem,
  type ScriptedFault,
  type ScriptedResponseItem,
  type ScriptItem,
} from './defaults/scripted-model-script.js';
export { assertStoreJson, findNonJson, type NonJsonValue } from './defaults/store-json.js';
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
export {
  BUILTIN_PLUGINS,
  type BuiltinPluginInfo,
  findBuiltin,
  listBuiltinPlugins,
} from './config/builtin-plugins.js';
export {
  createRootContainer,
  createRunContainer,
  type Provide,
  type RootServices,
  resolveToken,
  TOKENS,
  type Token,
} from './loader/container.js';
export { type ImplSpecifier, parseImplSpecifier, RESERVED_EXPORTS } from './loader/impl-specifier.js';
export type { LoadableSlot } from './loader/plugin-exports.js';
export { type LoadPluginOptions, PluginLoader, type PluginLoaderOptions } from './loader/plugin-loader.js';
// --- definitions -------------------------------------------------------------
export { type DefinePluginInput, definePlugin } from './plugin/define-plugin.js';
export { type DefineToolInput, defineTool } from './plugin/define-tool.js';
// --- runtime (section owned by the runtime work) ------------------------------
export type { AgentDefinition, ResolvedAgent } from './runtime/agent/agent-setup.js';
export {
  BudgetExceededError,
  type BudgetLimit,
  isBudgetExceededError,
} from './errors/budget-exceeded-error.js';
export { deriveCallId, hashInput } from './runtime/tools/call-id.js';
export { childRunId } from './runtime/tools/child-runs.js';
export { callNext, failureOutcome } from './plugin/call-next.js';
// --- durability (section owned by the durability work) ------------------------
export { StoreCheckpointer, type StoreCheckpointerOptions } from './runtime/durability/checkpointer.js';
export { readCheckpointedEvents } from './runtime/durability/checkpointed-events.js';
export { CHECKPOINT_DATA_NAMESPACE, CHECKPOINT_NAMESPACE } from './runtime/durability/envelope.js';
export { type CreateRuntimeOptions, createRuntime } from './runtime/create-runtime.js';
export {
  DefaultRuntime,
  type DefaultRuntimeSetup,
  type RuntimePluginDeps,
} from './runtime/default-runtime.js';
export { armCrashPoint, type CrashPoint, crashPoint } from './runtime/durability/crash-points.js';
export {
  type CappedToolOutput,
  capToolOutput,
  DEFAULT_MAX_TOOL_OUTPUT_BYTES,
} from './runtime/tools/durable-output-cap.js';
export {
  type AcquireRunOptions,
  DEFAULT_RUN_LEASE_TTL_MS,
  RunOwner,
  type RunOwnerOptions,
  RunOwnership,
  runLeaseName,
} from './runtime/durability/run-lease.js';
export {
  type AutomaticResumeOptions,
  DEFAULT_RESUME_POLICY,
  type ResumePolicy,
  type RetryableFailure,
  resumeDelayMs,
  withAutomaticResume,
} from './runtime/durability/resume-policy.js';
export {
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointEnvelope,
  type EventTailRef,
  type LogRef,
  type MessageLogRef,
} from './runtime/durability/envelope.js';
export {
  EVENT_BLOCK_SIZE,
  RUN_EVENTS_NAMESPACE,
  readRunEvents,
  runEventKey,
  writeRunEvents,
} from './runtime/records/event-log.js';
export type { ToolHooks } from './runtime/tools/hooks.js';
export { assertJson, canonicalJson } from './runtime/durability/json-guard.js';
export { MemoryRunPersistence } from './runtime/durability/memory-run-persistence.js';
export type { RunPersistence, SaveReason, SaveReceipt } from './runtime/durability/run-persistence.js';
export { RUNS_NAMESPACE } from './runtime/records/run-records.js';
export { isRunSuspendedSignal, RunSuspendedSignal } from './runtime/run/run-signals.js';
export type { LedgerEntry, LedgerStatus, RunSnapshot } from './runtime/run/run-snapshot.js';
export type { SessionPolicy } from './runtime/run/session-lease.js';
export { TRANSCRIPTS_NAMESPACE } from './runtime/records/transcript.js';
export {
  ConsoleLogger,
  type ConsoleLoggerOptions,
  isLogLevel,
  type LogLevel,
  silentLogger,
} from './services/console-logger.js';
export { RandomIdFactory, type RandomIdFactoryOptions } from './services/random-id-factory.js';
export { SystemClock } from './services/system-clock.js';
