/**
 * Checks an edited tool input (`agentry resume --approve <call> --input <json>`) against the tool's
 * own input schema before the run continues, so a bad edit is a usage error instead of a failed run.
 * The tool is found by loading the agent's tool slots the way the runtime does.
 */
import { isCloseable, type JsonValue, type Tool } from '@agentry/core';
import { type LoadableSlot, PluginLoader } from '@agentry/core/internal';
import { z } from 'zod';
import type { LoadedConfig } from './core-api.js';

/** What `checkToolInput` found. */
export type ToolInputCheck =
  | { status: 'valid' }
  | { status: 'invalid'; issues: string }
  /** No configured tool of that name could be loaded: nothing to check against here. */
  | { status: 'unknown_tool' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The tool slots of each agent, `preferred` first. */
function toolSlots(config: unknown, preferred: string): { slot: LoadableSlot; path: (string | number)[] }[] {
  const agents = isRecord(config) && isRecord(config.agents) ? config.agents : {};
  const ids = [preferred, ...Object.keys(agents).filter((id) => id !== preferred)];
  return ids.flatMap((id) => {
    const agent = agents[id];
    const tools = isRecord(agent) && Array.isArray(agent.tools) ? agent.tools : [];
    return tools.map((slot, index) => ({ slot: slot as LoadableSlot, path: ['agents', id, 'tools', index] }));
  });
}

/**
 * Validates `input` against the input schema of the tool named `toolName` (looked up in `agentId`'s
 * tools first, then in the other agents'). Every plugin loaded on the way is closed again.
 */
export async function checkToolInput(
  loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'locate'>,
  agentId: string,
  toolName: string,
  input: JsonValue,
): Promise<ToolInputCheck> {
  const loader = new PluginLoader({ baseDir: loaded.baseDir, locate: loaded.locate });
  const opened: unknown[] = [];
  try {
    for (const { slot, path } of toolSlots(loaded.config, agentId)) {
      let created: Tool | Tool[];
      try {
        created = await loader.load('tool', slot, path);
      } catch {
        continue; // A slot that cannot load here (it needs a running runtime) is not the one to check.
      }
      opened.push(created);
      const tool = (Array.isArray(created) ? created : [created]).find((each) => each.name === toolName);
      if (tool === undefined) continue;
      const parsed = tool.input.safeParse(input);
      return parsed.success
        ? { status: 'valid' }
        : { status: 'invalid', issues: z.prettifyError(parsed.error) };
    }
    return { status: 'unknown_tool' };
  } finally {
    for (const instance of opened.flat()) {
      if (isCloseable(instance)) await instance.close().catch(() => undefined);
    }
  }
}

/**
 * Loads the tools of agent `agentId` the way the runtime does, hands them to `use`, and closes every plugin
 * again. `undefined` when a tool slot cannot be loaded outside a running runtime (an MCP server that is down,
 * a sub-agent): then the agent's tools are not known here.
 */
export async function withAgentTools<T>(
  loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'locate'>,
  agentId: string,
  use: (tools: readonly Tool[]) => T,
): Promise<T | undefined> {
  const loader = new PluginLoader({ baseDir: loaded.baseDir, locate: loaded.locate });
  const opened: unknown[] = [];
  const tools: Tool[] = [];
  try {
    const agents = isRecord(loaded.config) && isRecord(loaded.config.agents) ? loaded.config.agents : {};
    const agent = agents[agentId];
    const slots = isRecord(agent) && Array.isArray(agent.tools) ? agent.tools : [];
    for (const [index, slot] of slots.entries()) {
      let created: Tool | Tool[];
      try {
        created = await loader.load('tool', slot as LoadableSlot, ['agents', agentId, 'tools', index]);
      } catch {
        return undefined;
      }
      opened.push(created);
      tools.push(...(Array.isArray(created) ? created : [created]));
    }
    return use(tools);
  } finally {
    for (const instance of opened.flat()) {
      if (isCloseable(instance)) await instance.close().catch(() => undefined);
    }
  }
}

/** The tool names of agent `agentId` (for `run --approve/--deny`), or `undefined` when they are not known here. */
export function agentToolNames(
  loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'locate'>,
  agentId: string,
): Promise<string[] | undefined> {
  return withAgentTools(loaded, agentId, (tools) => tools.map((tool) => tool.name));
}
