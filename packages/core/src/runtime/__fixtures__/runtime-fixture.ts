/** Test helpers: a DefaultRuntime over the real MemoryStore, MittEventBus and ScriptedModel. */
import { z } from 'zod';
import type { Tool } from '../../contracts/tool.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { MittEventBus } from '../../defaults/mitt-event-bus.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import type { ScriptItem } from '../../defaults/scripted-model-script.js';
import { defineTool } from '../../plugin/define-tool.js';
import { silentLogger } from '../../services/console-logger.js';
import type { AgentDefinition } from '../agent/agent-setup.js';
import { DefaultRuntime, type DefaultRuntimeSetup } from '../default-runtime.js';

/** A runtime with one agent `assistant` playing `script`. */
export function scriptedRuntime(
  script: readonly ScriptItem[],
  agent: Partial<AgentDefinition> = {},
  setup: Partial<DefaultRuntimeSetup> = {},
): { runtime: DefaultRuntime; model: ScriptedModel; store: MemoryStore } {
  const model = new ScriptedModel({ script, record: true });
  const store = new MemoryStore();
  const runtime = new DefaultRuntime({
    store,
    events: new MittEventBus({ logger: silentLogger }),
    agents: { assistant: { model, ...agent } },
    ...setup,
  });
  return { runtime, model, store };
}

/** A tool that records every execution. */
export function recordingTool(
  name: string,
  options: Partial<Pick<Tool, 'approval' | 'sideEffects'>> & {
    run?: (input: { value: string }) => unknown;
  } = {},
): { tool: Tool; executed: { value: string }[] } {
  const executed: { value: string }[] = [];
  const tool = defineTool({
    name,
    description: `Records its input (${name})`,
    input: z.object({ value: z.string() }),
    sideEffects: options.sideEffects ?? 'idempotent',
    ...(options.approval ? { approval: options.approval as 'always' } : {}),
    execute: async (input) => {
      executed.push(input);
      if (options.run) return options.run(input) as string;
      return `done:${input.value}`;
    },
  });
  return { tool: tool as unknown as Tool, executed };
}
