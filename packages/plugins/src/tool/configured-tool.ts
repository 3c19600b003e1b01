/** Base class of the builtin tools: the `Tool` fields they all take from their config, and root-bound `create`. */
import type { ApprovalRule, JsonValue, PluginDeps, SideEffects, Tool, ToolContext } from '@agentry/core';
import type { z } from 'zod';
import { resolveRoot } from './path-guard.js';
import { approvalFrom, asTool, type CommonToolConfig, throwIfAborted } from './tool-support.js';

/** What a builtin tool uses where its config leaves `name`, `description` or `approval` out. */
export interface ToolDefaults<I> {
  /** The plugin name, e.g. `read-file`. */
  name: string;
  description: string;
  approval: ApprovalRule<I>;
}

/**
 * A builtin tool whose config spreads `commonToolConfig`: `name`, `description` and `approval` come
 * from the config, else from the defaults the subclass passes. Subclasses declare `input`, `sideEffects`
 * and `execute`.
 */
export abstract class ConfiguredTool<I, O extends JsonValue> implements Tool<I, O> {
  readonly kind = 'tool' as const;
  readonly specVersion = 1 as const;
  readonly name: string;
  readonly description: string;
  readonly approval: ApprovalRule<I>;
  abstract readonly input: z.ZodType<I>;
  abstract readonly sideEffects: SideEffects;

  /**
   * @param config the tool's parsed config (its common fields win over `defaults`)
   * @param defaults the tool's own name, description and approval rule
   */
  protected constructor(config: CommonToolConfig, defaults: ToolDefaults<I>) {
    this.name = config.name ?? defaults.name;
    this.description = config.description ?? defaults.description;
    this.approval = approvalFrom(config, defaults.approval);
  }

  /** Runs one call with input already validated by `input`. */
  abstract execute(input: I, context: ToolContext): Promise<O> | O;

  /** Throws a `ToolError` naming this tool when the call was already cancelled. */
  protected throwIfAborted(signal: AbortSignal): void {
    throwIfAborted(signal, this.name);
  }
}

/**
 * The `create` of a tool confined to a directory: resolves `config.root` (relative to the config file) to
 * its real path, then builds the tool with it.
 *
 * @param plugin the plugin name, used in the error when the root does not exist
 * @param construct builds the tool from its config and the real path of its root
 */
export function createInRoot<C extends { root: string }, I, O extends JsonValue>(
  plugin: string,
  construct: (config: C, root: string) => Tool<I, O>,
): (config: C, deps: PluginDeps) => Promise<Tool> {
  return async (config, deps) =>
    asTool(construct(config, await resolveRoot(config.root, deps.baseDir, plugin)));
}
