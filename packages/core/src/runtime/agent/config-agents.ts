/** Builds agent definitions from config: every slot loaded once through the PluginLoader. */
import { suggestionHint } from '../../config/did-you-mean.js';
import type { AgentConfig } from '../../config/schema.js';
import type { ContextAssembler } from '../../contracts/context-assembler.js';
import type { Memory } from '../../contracts/memory.js';
import type { ModelRegistry } from '../../contracts/model.js';
import type { Pattern } from '../../contracts/pattern.js';
import type { AfterToolHook, BeforeToolHook, Tool } from '../../contracts/tool.js';
import type { ToolExecutor } from '../../contracts/tool-executor.js';
import { ConfigError } from '../../errors/agentry-error.js';
import type { PluginLoader } from '../../loader/plugin-loader.js';
import type { AgentDefinition } from './agent-setup.js';
import { loadHook } from './hook-loader.js';
import { loadRunHooks } from './run-hook-loader.js';

type Path = readonly (string | number)[];

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** Loads one agent's slots. `extraTools` (passed in code) are added to every agent. */
export async function loadAgentDefinition(
  id: string,
  agent: AgentConfig,
  loader: PluginLoader,
  models: ModelRegistry,
  locate: (path: Path) => string | undefined,
  extraTools: readonly Tool[],
): Promise<AgentDefinition> {
  const base = ['agents', id] as const;
  if (!models.names().includes(agent.model)) {
    const suggestion = suggestionHint(agent.model, models.names());
    const location = locate([...base, 'model']);
    throw new ConfigError('config.invalid', {
      message: `${location ? `${location}: ` : ''}agents.${id}.model names "${agent.model}", which is not a declared model${suggestion ? `; ${suggestion}` : ''}`,
      hint: `Declare it under models: (declared: ${models.names().join(', ') || 'none'}).`,
      context: { agentId: id, path: `agents.${id}.model`, ...(location ? { location } : {}) },
    });
  }
  const pattern = agent.pattern
    ? await loader.load('pattern', agent.pattern, [...base, 'pattern'])
    : undefined;
  const memories: Memory[] = [];
  for (const [index, slot] of asList(agent.memory).entries()) {
    const path = Array.isArray(agent.memory) ? [...base, 'memory', index] : [...base, 'memory'];
    memories.push(await loader.load('memory', slot, path));
  }
  const context: ContextAssembler | undefined = agent.context
    ? await loader.load('context-assembler', agent.context, [...base, 'context'])
    : undefined;
  const executors: ToolExecutor[] = [];
  for (const [index, slot] of asList(agent.toolExecutor).entries()) {
    const path = Array.isArray(agent.toolExecutor)
      ? [...base, 'toolExecutor', index]
      : [...base, 'toolExecutor'];
    executors.push(await loader.load('tool-executor', slot, path));
  }
  const tools: Tool[] = [];
  for (const [index, slot] of agent.tools.entries()) {
    const loaded = await loader.load('tool', slot, [...base, 'tools', index]);
    tools.push(...(Array.isArray(loaded) ? loaded : [loaded as Tool]));
  }
  tools.push(...extraTools);
  const before: BeforeToolHook[] = [];
  for (const [index, impl] of (agent.hooks?.before ?? []).entries()) {
    before.push(
      await loadHook(impl, loader.baseDir, `agents.${id}.hooks.before`, locate, [
        ...base,
        'hooks',
        'before',
        index,
      ]),
    );
  }
  const after: AfterToolHook[] = [];
  for (const [index, impl] of (agent.hooks?.after ?? []).entries()) {
    after.push(
      await loadHook(impl, loader.baseDir, `agents.${id}.hooks.after`, locate, [
        ...base,
        'hooks',
        'after',
        index,
      ]),
    );
  }
  const runHooks = await loadRunHooks(
    agent.hooks,
    [...base, 'hooks'],
    loader.baseDir,
    locate,
    loader.storeService(),
  );
  return {
    model: models.get(agent.model),
    ...(agent.instructions === undefined ? {} : { instructions: agent.instructions }),
    ...(agent.description === undefined ? {} : { description: agent.description }),
    ...(pattern ? { pattern: pattern as Pattern } : {}),
    ...(memories.length > 0 ? { memory: memories } : {}),
    ...(context ? { context } : {}),
    toolExecutors: executors,
    tools,
    hooks: { before, after },
    runHooks,
    ...(agent.triggers.length > 0 ? { triggers: agent.triggers } : {}),
    ...(agent.budget ? { budget: agent.budget } : {}),
    ...(agent.approvals ? { approvals: agent.approvals } : {}),
    durable: agent.durable,
    ...(agent.session ? { session: agent.session } : {}),
    ...(agent.outputSchema
      ? { outputSchema: agent.outputSchema as NonNullable<AgentDefinition['outputSchema']> }
      : {}),
    maxValidationRetries: agent.maxValidationRetries,
    maxResumeAttempts: agent.maxResumeAttempts,
    maxToolOutputBytes: agent.maxToolOutputBytes,
  };
}
