/**
 * @agentry/core/testing: conformance suites for every plugin kind and test
 * doubles that ship with the product. Suites import `vitest`; call them from
 * a `*.test.ts` file of your plugin package.
 * @module
 */

export {
  type CheckpointLossConformanceOptions,
  describeCheckpointLossConformance,
} from './checkpoint-loss-conformance.js';
export {
  type ContextAssemblerConformanceOptions,
  describeContextAssemblerConformance,
} from './context-assembler-conformance.js';
export {
  describeEventBusConformance,
  type EventBusConformanceOptions,
  makeTestEvent,
} from './event-bus-conformance.js';
export { describeMemoryConformance, type MemoryConformanceOptions } from './memory-conformance.js';
export { deepFreeze, jsonRoundTrip, sampleConversation, transcriptProblems } from './message-checks.js';
export {
  describeModelConformance,
  type ModelConformanceErrorCode,
  type ModelConformanceOptions,
  type ModelConformanceTurn,
} from './model-conformance.js';
export {
  describePatternConformance,
  type PatternConformanceOptions,
  type PatternScenario,
} from './pattern-conformance.js';
export {
  type DriveResult,
  drivePattern,
  HARNESS_TOOLS,
  type HarnessSnapshot,
  type HarnessTool,
  PatternHarness,
  type PatternHarnessOptions,
} from './pattern-harness.js';
// One export line per suite (each area adds its own).
export { describeStoreConformance, type StoreConformanceOptions } from './store-conformance.js';
export { describeToolConformance, makeToolContext, type ToolConformanceOptions } from './tool-conformance.js';
export {
  describeToolExecutorConformance,
  type ToolExecutorConformanceOptions,
} from './tool-executor-conformance.js';
