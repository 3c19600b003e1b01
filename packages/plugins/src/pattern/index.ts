/**
 * @agentry/plugins/pattern: agent loops beyond the core tool loop
 * (`plan-execute`, `reflexion`).
 * @module
 */

export {
  PlanExecutePattern,
  type PlanExecutePatternConfig,
  type PlanExecuteState,
} from './plan-execute-pattern.js';
export { parsePlan } from './plan-parser.js';
export { ReflexionPattern, type ReflexionPatternConfig, type ReflexionState } from './reflexion-pattern.js';
