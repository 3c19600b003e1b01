/** What an impl export may be (definition, class with static `plugin`, tool) and what `create` must return. */
import { z } from 'zod';
import type { PluginDefinition, PluginKind, SlotConfig } from '../contracts/plugin.js';
import { isPluginDefinition } from '../contracts/plugin.js';
import { isTool, type Tool } from '../contracts/tool.js';

/** A slot as config gives it; tool slots may carry `approval`. */
export type LoadableSlot =
  | SlotConfig
  | {
      type?: string | undefined;
      impl?: string | undefined;
      config?: Record<string, unknown> | undefined;
      approval?: 'never' | 'always' | undefined;
    };

/** A slot in one shape. */
export interface NormalizedSlot {
  type?: string;
  impl?: string;
  config?: Record<string, unknown>;
  approval?: 'never' | 'always';
}

/** `'window'` → `{ type: 'window' }`; objects as they are. */
export function normalizeSlot(slot: LoadableSlot): NormalizedSlot {
  return typeof slot === 'string' ? { type: slot } : (slot as NormalizedSlot);
}

/** A tool exported directly takes no slot config. */
const EMPTY_CONFIG = z.strictObject({});

/** A definition from an export: a definition, a class/function with a static `plugin`, or a tool; else undefined. */
export function toDefinition(exported: unknown): PluginDefinition | undefined {
  if (isPluginDefinition(exported)) return exported;
  if (typeof exported === 'function') {
    const attached = (exported as { plugin?: unknown }).plugin;
    if (isPluginDefinition(attached)) return attached;
  }
  if (isTool(exported)) {
    const tool = exported;
    return {
      kind: 'tool',
      name: tool.name,
      specVersion: tool.specVersion,
      description: tool.description,
      configSchema: EMPTY_CONFIG,
      create: () => tool,
    };
  }
  return undefined;
}

/** Why `create`'s result cannot serve the slot, or undefined when it can. */
export function instanceProblem(kind: PluginKind, instance: unknown): string | undefined {
  if (kind === 'tool') {
    // A tool source may offer nothing (an MCP server without tools): an empty list is a valid answer.
    const tools: unknown[] = Array.isArray(instance) ? instance : [instance];
    if (!tools.every(isTool)) return 'did not return a tool (or a list of tools)';
    for (const tool of tools) {
      const problem = toolProblem(tool);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof instance !== 'object' || instance === null)
    return `created ${String(instance)}; expected a ${kind}`;
  const actual = (instance as { kind?: unknown }).kind;
  return actual === undefined || actual === kind
    ? undefined
    : `created a '${String(actual)}'; expected a ${kind}`;
}

const SIDE_EFFECTS: ReadonlySet<unknown> = new Set(['none', 'idempotent', 'unsafe']);

/**
 * What is wrong with a tool a plugin gave (plain JavaScript can omit what `defineTool` requires): a durable run
 * records `sideEffects` with every call and relies on it after a crash, so a missing one is refused here.
 */
function toolProblem(tool: Tool): string | undefined {
  if (typeof tool.name !== 'string' || tool.name === '') return 'gave a tool without a name';
  if (!SIDE_EFFECTS.has(tool.sideEffects)) {
    return `gave tool "${tool.name}" with sideEffects ${JSON.stringify(tool.sideEffects) ?? 'undefined'}; set it to "none", "idempotent" or "unsafe" (what running the call twice would do)`;
  }
  return undefined;
}

/** Applies a tool slot's `approval` to every tool it produced. */
export function withApproval(instance: unknown, approval: 'never' | 'always' | undefined): unknown {
  if (approval === undefined) return instance;
  // Delegate to the tool rather than copy it: a spread would drop methods defined on a class prototype.
  const override = (tool: Tool): Tool =>
    Object.freeze(Object.create(tool, { approval: { value: approval, enumerable: true } }) as Tool);
  return Array.isArray(instance) ? instance.map(override) : override(instance as Tool);
}

/** An error's message, for wrapping. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
