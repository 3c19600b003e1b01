/**
 * @agentry/core/internal: the parts of core that other Agentry packages, tests and tools reach into —
 * checkpoint envelope and event-log layout, run leases, resume policy, the DI container, crash points,
 * the plugin loader. No compatibility promise: names here change with the implementation. Plugin authors
 * use `@agentry/core/plugin`; applications use `@agentry/core`.
 * @module
 */

export { BUILTIN_PLUGINS, findBuiltin } from './config/builtin-plugins.js';
export { didYouMean, levenshtein } from './config/did-you-mean.js';
export { formatIssue, formatPath } from './config/issues.js';
export { resolveConfigObject } from './config/load-config.js';
export { CONFIG_PRECEDENCE, type ConfigExplanation, type ConfigValueSource } from './config/resolve.js';
export { agentryConfigSchema } from './config/schema.js';
export {
  createRootContainer,
  createRunContainer,
  type Provide,
  type RootServices,
  resolveToken,
  TOKENS,
  type Token,
} from './loader/container.js';
export {
  type ImplSpecifier,
  parseImplSpecifier,
  RESERVED_EXPORTS,
  type ResolvedImpl,
  type ResolveImplOptions,
  resolveImpl,
} from './loader/impl-specifier.js';
export type { LoadableSlot } from './loader/plugin-exports.js';
export { type LoadPluginOptions, PluginLoader, type PluginLoaderOptions } from './loader/plugin-loader.js';
export {
  type AgentDefinition,
  DEFAULT_MAX_TOOL_OUTPUT_BYTES,
  type ResolvedAgent,
  type SessionPolicy,
} from './runtime/agent/agent-setup.js';
export type { DefaultRuntimeSetup, RuntimePluginDeps } from './runtime/default-runtime.js';
export { readCheckpointedEvents } from './runtime/durability/checkpointed-events.js';
export { StoreCheckpointer, type StoreCheckpointerOptions } from './runtime/durability/checkpointer.js';
export { armCrashPoint, type CrashPoint, crashPoint } from './runtime/durability/crash-points.js';
export {
  CHECKPOINT_DATA_NAMESPACE,
  CHECKPOINT_NAMESPACE,
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointEnvelope,
  type EventTailRef,
  type LogRef,
  type MessageLogRef,
} from './runtime/durability/envelope.js';
export { MemoryRunPersistence } from './runtime/durability/memory-run-persistence.js';
export {
  type AutomaticResumeOptions,
  DEFAULT_RESUME_POLICY,
  type ResumePolicy,
  type RetryableFailure,
  resumeDelayMs,
  withAutomaticResume,
} from './runtime/durability/resume-policy.js';
export {
  type AcquireRunOptions,
  DEFAULT_RUN_LEASE_TTL_MS,
  RunOwner,
  type RunOwnerOptions,
  RunOwnership,
  runLeaseName,
} from './runtime/durability/run-lease.js';
export { messagesProblem, snapshotProblem } from './runtime/durability/snapshot-guard.js';
export {
  EVENT_BLOCK_SIZE,
  RUN_EVENTS_NAMESPACE,
  readRunEvents,
  runEventKey,
  writeRunEvents,
} from './runtime/records/event-log.js';
export { RUNS_NAMESPACE } from './runtime/records/run-records.js';
export { TRANSCRIPTS_NAMESPACE } from './runtime/records/transcript.js';
export { assertJson, canonicalJson } from './runtime/snapshot/json-guard.js';
export type { LedgerEntry, LedgerStatus, RunSnapshot } from './runtime/snapshot/run-snapshot.js';
export type { RunPersistence, SaveReason, SaveReceipt } from './runtime/state/run-persistence.js';
export { isRunSuspendedSignal, RunSuspendedSignal } from './runtime/state/run-signals.js';
export { deriveCallId, hashInput } from './runtime/tools/call-id.js';
export { childRunId } from './runtime/tools/child-runs.js';
export { type CappedToolOutput, capToolOutput } from './runtime/tools/durable-output-cap.js';
