/** Resolves an agent once at startup: tool map and JSON schemas, executor chain, hook lists, output validator. */

import { z } from 'zod';
import type { ContextAssembler } from '../../contracts/context-assembler.js';
import type { JsonObject } from '../../contracts/json.js';
import type { Memory } from '../../contracts/memory.js';
import type { Model, ToolSpec } from '../../contracts/model.js';
import type { Pattern } from '../../contracts/pattern.js';
import type { ApprovalPolicy, Budget, SessionBusyPolicy } from '../../contracts/run.js';
import type { AgentDescription } from '../../contracts/runtime.js';
import type { AfterToolHook, BeforeToolHook, Tool } from '../../contracts/tool.js';
import type { ToolExecutor } from '../../contracts/tool-executor.js';
import { ToolLoopPattern } from '../../defaults/tool-loop-pattern.js';
import { TranscriptContextAssembler } from '../../defaults/transcript-context-assembler.js';
import { ConfigError } from '../../errors/agentry-error.js';
import type { TriggerDefinition } from '../../triggers/trigger-host.js';
import { composeExecutors, type ExecutorChain } from './executor-chain.js';
import { compileOutputSchema, type OutputValidator } from './output-schema.js';
import type { AfterRunHook, BeforeRunHook, RunHooks } from './run-hooks.js';
import type { ToolHooks } from './tool-hooks.js';

/** Default `maxToolOutputBytes`: 64 KiB of UTF-8 JSON. */
export const DEFAULT_MAX_TOOL_OUTPUT_BYTES = 64 * 1024;

/** What a run does when its session already has an active run. */
export interface SessionPolicy {
  /**
   * `enqueue` (default) polls until the lease frees up or `waitMs` passes; `reject` refuses at once;
   * `interrupt` and `steer` act on the active run before the new one is made (see `session-policy.ts`),
   * then wait like `enqueue`. `wait` and `fail` are the older names of `enqueue` and `reject`.
   */
  onBusy?: SessionBusyPolicy | 'wait' | 'fail';
  /** How long the new run waits for the session (default 30 000 ms). */
  waitMs?: number;
}

/** An agent as code passes it to `DefaultRuntime` (config slots already loaded). */
export interface AgentDefinition {
  model: Model;
  instructions?: string;
  description?: string;
  /** Default: `ToolLoopPattern`. */
  pattern?: Pattern;
  /** Memories, injected and written back in order. */
  memory?: Memory | readonly Memory[];
  /** Default: `TranscriptContextAssembler`. */
  context?: ContextAssembler;
  /** Middleware chain; the first listed sees each call first. */
  toolExecutors?: readonly ToolExecutor[];
  tools?: readonly Tool[];
  /** Agent-level hooks, run after each tool's own. */
  hooks?: ToolHooks;
  /** Run-level hooks: `beforeRun` after the runtime's, `afterRun` before the runtime's. */
  runHooks?: RunHooks;
  /** Triggers that start runs of this agent on their own (`runtime.startTriggers()`). */
  triggers?: readonly TriggerDefinition[];
  budget?: Budget;
  approvals?: ApprovalPolicy;
  durable?: boolean;
  session?: SessionPolicy;
  /** JSON Schema the final output (parsed as JSON) must satisfy. */
  outputSchema?: JsonObject;
  /** How often a failing output is sent back to the model (default 2). */
  maxValidationRetries?: number;
  /** Durable runs: automatic resumes after retryable failures (default 3, `0` disables). */
  maxResumeAttempts?: number;
  /** Tool outputs larger than this (UTF-8 bytes of their JSON) reach the model truncated, with a marker (default 64 KiB). */
  maxToolOutputBytes?: number;
}

/** Hooks of one tool: its own first, then the agent's, then the runtime's. */
export interface ResolvedHooks {
  readonly before: readonly BeforeToolHook[];
  readonly after: readonly AfterToolHook[];
}

/** An agent ready to run: everything computed once, nothing left for the per-step path. */
export interface ResolvedAgent {
  readonly id: string;
  readonly description: string | undefined;
  readonly model: Model;
  readonly instructions: string;
  readonly pattern: Pattern;
  readonly memories: readonly Memory[];
  readonly context: ContextAssembler;
  readonly tools: ReadonlyMap<string, Tool>;
  readonly toolSpecs: readonly ToolSpec[];
  readonly hooks: ReadonlyMap<string, ResolvedHooks>;
  /** The runtime's and the agent's run hooks, in the order they run. */
  readonly runHooks: {
    readonly beforeRun: readonly BeforeRunHook[];
    readonly afterRun: readonly AfterRunHook[];
  };
  /** The tool executor chain (`composeExecutors`): a synchronous tool without executors answers with a value. */
  readonly execute: ExecutorChain['execute'];
  readonly concurrency: number | undefined;
  readonly budget: Budget;
  readonly approvals: ApprovalPolicy | undefined;
  readonly durable: boolean;
  readonly session: SessionPolicy | undefined;
  readonly outputSchema: JsonObject | undefined;
  readonly output: OutputValidator | undefined;
  readonly maxValidationRetries: number;
  readonly maxResumeAttempts: number;
  readonly maxToolOutputBytes: number;
}

/**
 * Resolves one agent. Throws `ConfigError('tool.duplicate_name')` when two
 * tools share a name. The tools' JSON schemas are generated on first use
 * (the first model call or `describeAgent`), once; a tool input that cannot
 * be shown as JSON Schema fails that run (or `describeAgent`) with a `config.invalid` error.
 */
export function resolveAgent(
  id: string,
  definition: AgentDefinition,
  runtimeHooks?: ToolHooks,
  runtimeRunHooks?: RunHooks,
): ResolvedAgent {
  const tools = new Map<string, Tool>();
  for (const tool of definition.tools ?? []) {
    if (tools.has(tool.name)) {
      throw new ConfigError('tool.duplicate_name', {
        message: `Agent "${id}" has two tools named "${tool.name}"`,
        hint: 'Tool names must be unique per agent: remove one, or give one of them another name.',
        context: { agentId: id, tool: tool.name },
      });
    }
    tools.set(tool.name, tool);
  }
  // JSON Schemas of the tool inputs: made when the model (or `describeAgent`) first needs them, then kept.
  let toolSpecs: readonly ToolSpec[] | undefined;
  const hooks = new Map<string, ResolvedHooks>();
  for (const tool of tools.values()) {
    hooks.set(tool.name, {
      before: [...(tool.before ?? []), ...(definition.hooks?.before ?? []), ...(runtimeHooks?.before ?? [])],
      after: [...(tool.after ?? []), ...(definition.hooks?.after ?? []), ...(runtimeHooks?.after ?? [])],
    });
  }
  const chain = composeExecutors(definition.toolExecutors ?? []);
  const memory = definition.memory;
  return {
    id,
    description: definition.description,
    model: definition.model,
    instructions: definition.instructions ?? '',
    pattern: definition.pattern ?? new ToolLoopPattern(),
    memories: memory === undefined ? [] : Array.isArray(memory) ? memory : [memory as Memory],
    context: definition.context ?? new TranscriptContextAssembler(),
    tools,
    get toolSpecs() {
      toolSpecs ??= [...tools.values()].map((tool) => toolSpec(id, tool));
      return toolSpecs;
    },
    hooks,
    runHooks: {
      beforeRun: [...(runtimeRunHooks?.beforeRun ?? []), ...(definition.runHooks?.beforeRun ?? [])],
      afterRun: [...(definition.runHooks?.afterRun ?? []), ...(runtimeRunHooks?.afterRun ?? [])],
    },
    execute: chain.execute,
    concurrency: chain.concurrency,
    budget: definition.budget ?? {},
    approvals: definition.approvals,
    durable: definition.durable ?? false,
    session: definition.session,
    outputSchema: definition.outputSchema,
    output: definition.outputSchema ? compileOutputSchema(id, definition.outputSchema) : undefined,
    maxValidationRetries: definition.maxValidationRetries ?? 2,
    maxResumeAttempts: definition.maxResumeAttempts ?? 3,
    maxToolOutputBytes: definition.maxToolOutputBytes ?? DEFAULT_MAX_TOOL_OUTPUT_BYTES,
  };
}

function toolSpec(agentId: string, tool: Tool): ToolSpec {
  let inputSchema: JsonObject;
  try {
    inputSchema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  } catch (error) {
    throw new ConfigError('config.invalid', {
      message: `The input schema of tool "${tool.name}" cannot be shown to the model as JSON Schema`,
      hint: 'Use plain zod types (objects, strings, numbers, enums, arrays) in the tool input.',
      cause: error,
      context: { agentId, tool: tool.name },
    });
  }
  delete inputSchema.$schema;
  return { name: tool.name, description: tool.description, inputSchema };
}

/** What `runtime.describeAgent` shows of a resolved agent: its tools with their JSON schemas, no models or secrets. */
export function describeResolvedAgent(agent: ResolvedAgent): AgentDescription {
  return {
    id: agent.id,
    ...(agent.description === undefined ? {} : { description: agent.description }),
    durable: agent.durable,
    budget: { ...agent.budget },
    ...(agent.approvals === undefined ? {} : { approvals: agent.approvals }),
    tools: agent.toolSpecs.map((spec) => {
      const tool = agent.tools.get(spec.name) as Tool;
      return {
        name: spec.name,
        description: spec.description,
        inputSchema: spec.inputSchema,
        sideEffects: tool.sideEffects,
        approval: typeof tool.approval === 'function' ? 'rule' : tool.approval,
      };
    }),
  };
}
