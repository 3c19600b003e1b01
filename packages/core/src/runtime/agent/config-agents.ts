/** Builds agent definitions from config: every slot loaded once through the PluginLoader. */
import type { AgentConfig } from '../../config/schema.js';
import type { ContextAssembler } from '../../contracts/context-assembler.js';
import type { Memory } from '../../contracts/memory.js';
import type { ModelRegistry } from '../../contracts/model.js';
import type { Pattern } from '../../contracts/pattern.js';
import type { PluginKindMap } from '../../contracts/plugin.js';
import type { AfterToolHook, BeforeToolHook, Tool } from '../../contracts/tool.js';
import type { ToolExecutor } from '../../contracts/tool-executor.js';
import type { LoadableSlot } from '../../loader/plugin-exports.js';
import type { PluginLoader } from '../../loader/plugin-loader.js';
import type { AgentDefinition } from './agent-setup.js';
import { loadHook } from './hook-loader.js';
import { loadRunHooks } from './run-hook-loader.js';

type Path = readonly (string | number)[];

/**
 * Loads a slot that takes one plugin or a list (`memory`, `toolExecutor`); a list's items are numbered in
 * their paths. Kept apart from `loadAgentDefinition`, which most agents run without these slots.
 */
async function loadEach<K extends 'memory' | 'tool-executor'>(
  loader: PluginLoader,
  kind: K,
  value: LoadableSlot | readonly LoadableSlot[],
  path: Path,
): Promise<PluginKindMap[K][]> {
  if (!Array.isArray(value)) return [await loader.load(kind, value as LoadableSlot, path)];
  const loaded: PluginKindMap[K][] = [];
  for (const [index, slot] of value.entries()) loaded.push(await loader.load(kind, slot, [...path, index]));
  return loaded;
}

/** An agent's `hooks.before` / `hooks.after` tool hooks, in order. */
async function loadToolHooks<H extends BeforeToolHook | AfterToolHook>(
  impls: readonly string[],
  loader: PluginLoader,
  name: string,
  locate: (path: Path) => string | undefined,
  path: Path,
): Promise<H[]> {
  const hooks: H[] = [];
  for (const [index, impl] of impls.entries()) {
    hooks.push(await loadHook<H>(impl, loader.baseDir, name, locate, [...path, index]));
  }
  return hooks;
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
  // `agent.model` names a declared model: `resolveLocated` reported any other name with the config's issues.
  const base = ['agents', id] as const;
  const pattern = agent.pattern
    ? await loader.load('pattern', agent.pattern, [...base, 'pattern'])
    : undefined;
  const memories: Memory[] =
    agent.memory === undefined ? [] : await loadEach(loader, 'memory', agent.memory, [...base, 'memory']);
  const context: ContextAssembler | undefined = agent.context
    ? await loader.load('context-assembler', agent.context, [...base, 'context'])
    : undefined;
  const executors: ToolExecutor[] =
    agent.toolExecutor === undefined
      ? []
      : await loadEach(loader, 'tool-executor', agent.toolExecutor, [...base, 'toolExecutor']);
  const tools: Tool[] = [];
  for (const [index, slot] of agent.tools.entries()) {
    const loaded = await loader.load('tool', slot, [...base, 'tools', index]);
    tools.push(...(Array.isArray(loaded) ? loaded : [loaded as Tool]));
  }
  tools.push(...extraTools);
  const hooks = agent.hooks;
  const before: BeforeToolHook[] = hooks?.before
    ? await loadToolHooks(hooks.before, loader, `agents.${id}.hooks.before`, locate, [
        ...base,
        'hooks',
        'before',
      ])
    : [];
  const after: AfterToolHook[] = hooks?.after
    ? await loadToolHooks(hooks.after, loader, `agents.${id}.hooks.after`, locate, [
        ...base,
        'hooks',
        'after',
      ])
    : [];
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
