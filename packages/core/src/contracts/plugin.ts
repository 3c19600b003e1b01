/** Plugin definitions: what a module exports so a config slot can load it by name or implementation path. */
import type { z } from 'zod';
import type { ContextAssembler } from './context-assembler.js';
import type { EventBus } from './event-bus.js';
import type { Memory } from './memory.js';
import type { Model, ModelRegistry } from './model.js';
import type { Pattern } from './pattern.js';
import type { Queue } from './queue.js';
import type { ChildRunner, Runtime } from './runtime.js';
import type { Clock, IdFactory, Logger, Redactor } from './services.js';
import type { Store } from './store.js';
import type { Tool } from './tool.js';
import type { ToolExecutor } from './tool-executor.js';

/** What each plugin kind's `create` returns. A `tool` plugin may return several tools (e.g. one per MCP server tool). */
export interface PluginKindMap {
  pattern: Pattern;
  memory: Memory;
  'context-assembler': ContextAssembler;
  'tool-executor': ToolExecutor;
  'event-bus': EventBus;
  store: Store;
  model: Model;
  tool: Tool | Tool[];
  runtime: Runtime;
  queue: Queue;
}

/** Every plugin kind. */
export type PluginKind = keyof PluginKindMap;

/** The spec version each kind currently implements. */
export const PLUGIN_SPEC_VERSIONS: { readonly [K in PluginKind]: 1 } = {
  pattern: 1,
  memory: 1,
  'context-assembler': 1,
  'tool-executor': 1,
  'event-bus': 1,
  store: 1,
  model: 1,
  tool: 1,
  runtime: 1,
  queue: 1,
};

/** How a config slot names a plugin: a builtin name, `{ type, config }` or `{ impl, config }`. */
export type SlotConfig =
  | string
  | { type: string; config?: Record<string, unknown> | undefined }
  | { impl: string; config?: Record<string, unknown> | undefined };

/** What `create` receives besides its validated config. */
export interface PluginDeps {
  /** Directory of the config file; relative paths in plugin config resolve against it. */
  readonly baseDir: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdFactory;
  readonly redactor: Redactor;
  /** The runtime's store (not available while the store itself is being created). */
  store(): Store;
  /** The runtime's event bus (not available while the bus itself is being created). */
  events(): EventBus;
  /** The configured models. */
  models(): ModelRegistry;
  /**
   * Runs other agents as child runs of the calling run (for tools that delegate, like `agent`).
   * Available once the runtime exists: call it when a tool executes, not in `create`.
   */
  childRuns?(): ChildRunner;
  /** Loads a nested slot (e.g. the `inner` bus of a wrapper); errors point at `path`. */
  load<K extends PluginKind>(
    kind: K,
    slot: SlotConfig,
    path: readonly (string | number)[],
  ): Promise<PluginKindMap[K]>;
}

/** What a plugin module exports. Build one with `definePlugin`. */
export interface PluginDefinition<K extends PluginKind = PluginKind, C = unknown> {
  readonly kind: K;
  /** The builtin/short name (`window`, `sqlite` …). */
  readonly name: string;
  readonly specVersion: number;
  /** One line for `agentry plugins`. */
  readonly description: string;
  /** Validates the slot's `config`; its errors point at the YAML lines. */
  readonly configSchema: z.ZodType<C>;
  create(config: C, deps: PluginDeps): PluginKindMap[K] | Promise<PluginKindMap[K]>;
}

/** True for objects that look like a plugin definition (checked by shape, so duplicated package copies work). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<PluginDefinition>;
  return (
    typeof candidate.kind === 'string' &&
    typeof candidate.name === 'string' &&
    typeof candidate.create === 'function' &&
    typeof candidate.configSchema === 'object'
  );
}

/** A plugin instance that holds resources; the runtime calls `close` on `runtime.close()`. */
export interface Closeable {
  close(): Promise<void>;
}
export function isCloseable(value: unknown): value is Closeable {
  return typeof value === 'object' && value !== null && typeof (value as Closeable).close === 'function';
}
