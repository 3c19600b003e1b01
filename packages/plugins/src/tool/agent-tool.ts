/** `agent` tool: delegates a task to another configured agent, run as a child run of the calling run. */
import {
  type ApprovalRule,
  type ChildRunner,
  definePlugin,
  type JsonValue,
  type PluginDeps,
  type SideEffects,
  type Tool,
  type ToolContext,
  ToolError,
} from '@agentry/core';
import { z } from 'zod';
import { approvalFrom, asTool, commonToolConfig, throwIfAborted } from './tool-support.js';

const limit = (what: string) =>
  z.number().nonnegative().optional().describe(`Most ${what} of one delegated run.`);

const configSchema = z.object({
  ...commonToolConfig,
  agent: z.string().min(1).describe('The configured agent that runs the delegated task.'),
  name: commonToolConfig.name.describe('Name the model calls the tool by (default `agent_<agent>`).'),
  budget: z
    .object({
      maxSteps: limit('model calls (steps)'),
      maxToolCalls: limit('tool calls'),
      maxTotalTokens: limit('tokens (input and output)'),
      maxCostUsd: limit('cost in US dollars'),
      maxDurationMs: limit('wall time in milliseconds'),
    })
    .strict()
    .optional()
    .describe(
      "Limits of each delegated run; each is also capped by what the calling run has left and by the agent's own budget.",
    ),
  sideEffects: z
    .enum(['none', 'idempotent', 'unsafe'])
    .default('unsafe')
    .describe(
      "What a delegated run may do to the world: it depends on the child agent's tools. `unsafe` (default) asks for a decision when a crash left the call's outcome unknown; `idempotent` continues the same child run automatically (safe when the child agent is durable or its tools are).",
    ),
});

/** Config of `agent`. */
export type AgentToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  input: z
    .string()
    .min(1)
    .describe('The task for the agent, with everything it needs to know: it does not see this conversation.'),
});

/** Arguments of `agent`. */
export type AgentToolInput = z.output<typeof inputSchema>;

/** The default tool name for an agent id: `agent_<agent>`, reduced to the characters tool names allow. */
export function agentToolName(agent: string): string {
  return `agent_${agent}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

/**
 * Delegates a task to another configured agent as a child run of the calling
 * run: the child's record carries `parentRunId`, its budget is carved out of
 * the parent's remaining budget (and its usage added to the parent's), it is
 * cancelled with the parent, and its final output is the tool result.
 * Approvals the child needs surface as pending calls of the parent; resuming
 * the parent with decisions for them resumes the child.
 */
export class AgentTool implements Tool<AgentToolInput, JsonValue> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'agent',
    description: 'Another agent as a tool: delegates a task to it as a child run',
    configSchema,
    create: (config: AgentToolConfig, deps: PluginDeps) =>
      asTool(new AgentTool(config, deps.childRuns?.bind(deps))),
  });

  readonly kind = 'tool' as const;
  readonly specVersion = 1 as const;
  readonly name: string;
  readonly description: string;
  readonly input = inputSchema;
  readonly sideEffects: SideEffects;
  readonly approval: ApprovalRule<AgentToolInput>;

  /**
   * @param config the tool's config (`agent` names the agent to delegate to)
   * @param childRuns the runtime's child runner, asked for when the tool executes
   */
  constructor(
    private readonly config: AgentToolConfig,
    private readonly childRuns: (() => ChildRunner) | undefined,
  ) {
    this.name = config.name ?? agentToolName(config.agent);
    this.description =
      config.description ??
      `Delegates a task to the agent "${config.agent}" and returns its final answer. Describe the task completely.`;
    this.sideEffects = config.sideEffects;
    this.approval = approvalFrom(config, 'never');
  }

  async execute(input: AgentToolInput, context: ToolContext): Promise<JsonValue> {
    throwIfAborted(context.signal, this.name);
    if (!this.childRuns) {
      throw new ToolError('tool.failed', {
        message: `${this.name}: this tool was created without access to a runtime, so it cannot run agent "${this.config.agent}"`,
        hint: 'Load the agent tool through createRuntime (a config slot `type: agent`).',
        context: { tool: this.name },
      });
    }
    const result = await this.childRuns().run(
      {
        agent: this.config.agent,
        input: input.input,
        ...(this.config.budget ? { budget: this.config.budget } : {}),
      },
      context,
    );
    if (result.status === 'completed') return result.structured ?? result.output;
    const reason = result.error ? `: ${result.error.message}` : '';
    throw new ToolError('tool.failed', {
      message: `${this.name}: agent "${this.config.agent}" stopped without an answer (${result.stopReason})${reason}`,
      hint:
        result.stopReason === 'budget_exhausted' || result.stopReason === 'max_steps'
          ? 'The delegated run used up its budget: give it a smaller task, or answer without it.'
          : `See run ${result.runId} for what happened.`,
      context: { tool: this.name, runId: result.runId },
    });
  }
}
