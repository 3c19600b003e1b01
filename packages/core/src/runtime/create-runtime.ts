/** `createRuntime`: config (path or object) plus code-supplied plugins → a ready runtime, every slot loaded once. */
import { createHash } from 'node:crypto';
import { createRedactor } from '../config/redactor.js';
import type { LoadedConfig } from '../config/resolve.js';
import type { EventBus } from '../contracts/event-bus.js';
import type { Model } from '../contracts/model.js';
import { type Closeable, isCloseable } from '../contracts/plugin.js';
import type { Runtime } from '../contracts/runtime.js';
import type { Clock, IdFactory, Logger, Redactor } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import type { Tool } from '../contracts/tool.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { MittEventBus } from '../defaults/mitt-event-bus.js';
import { createRootContainer } from '../loader/container.js';
import { PluginLoader } from '../loader/plugin-loader.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import type { AgentDefinition } from './agent-setup.js';
import { StoreCheckpointer } from './checkpointer.js';
import { loadAgentDefinition } from './config-agents.js';
import type { DefaultRuntimeSetup } from './default-runtime.js';
import type { ToolHooks } from './hooks.js';
import { NamedModels } from './model-registry.js';
import { loadRuntimeSlot } from './runtime-slot.js';

/** Options of `createRuntime`. */
export interface CreateRuntimeOptions {
  /** A config file path, a config object (as the YAML would parse), or nothing to discover `agentry.yaml` from `cwd`. */
  config?: string | Record<string, unknown>;
  /** Where discovery starts and relative paths of a config object resolve (default `process.cwd()`). */
  cwd?: string;
  /** Environment for `${env:…}` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Tools added to every agent. */
  tools?: readonly Tool[];
  /** Models by name, beside (and over) the config's `models`. */
  models?: { readonly [name: string]: Model };
  /** Agents defined in code, beside (and over) the config's `agents`. */
  agents?: { readonly [agentId: string]: AgentDefinition };
  /** The store (default: the config's `store`, else an in-memory store). */
  store?: Store;
  /** The event bus (default: the config's `events`, else an in-process mitt bus). */
  events?: EventBus;
  /** Hooks for every tool of every agent, after the tool's and the agent's own. */
  hooks?: ToolHooks;
  logger?: Logger;
  clock?: Clock;
  ids?: IdFactory;
  redactor?: Redactor;
}

/**
 * Creates a runtime. Loads the config, then every plugin slot once (store,
 * event bus, models, and per agent: pattern, memory, context, executors,
 * tools, hooks); nothing is resolved again per run or per step.
 *
 * @throws ConfigError / PluginError when the config or a plugin is invalid (with file:line:col).
 * @example
 * ```ts
 * const runtime = await createRuntime({ config: './agentry.yaml' });
 * const result = await runtime.run({ agent: 'assistant', input: 'hello' });
 * await runtime.close();
 * ```
 */
export async function createRuntime(options: CreateRuntimeOptions = {}): Promise<Runtime> {
  const redactor = options.redactor ?? createRedactor();
  const env = options.env ?? process.env;
  const loaded = await loadRuntimeConfig(options, env, redactor);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? new SystemClock();
  const ids = options.ids ?? new RandomIdFactory();
  let store: Store | undefined = options.store;
  let events: EventBus | undefined = options.events;
  let models: NamedModels | undefined;
  const root = createRootContainer({
    store: () => required(store, 'store'),
    events: () => required(events, 'event bus'),
    models: () => required(models, 'model registry'),
    clock,
    ids,
    logger,
    redactor,
    config: loaded,
  });
  const loader = PluginLoader.fromConfig(loaded, root);
  const config = loaded.config;
  const closeables: Closeable[] = [];
  const keep = <T>(instance: T): T => {
    if (isCloseable(instance) && !closeables.includes(instance)) closeables.push(instance);
    return instance;
  };
  store ??= config.store ? await loader.load('store', config.store, ['store']) : new MemoryStore({ clock });
  events ??= await loadEvents(loader, config.events, logger);
  const named = new Map<string, Model>();
  for (const [name, model] of Object.entries(config.models)) {
    if (options.models?.[name] === undefined) named.set(name, keep(await loader.loadModel(name, model)));
  }
  for (const [name, model] of Object.entries(options.models ?? {})) named.set(name, model);
  models = new NamedModels(named);
  const agents: { [agentId: string]: AgentDefinition } = {};
  for (const [id, agent] of Object.entries(config.agents)) {
    const definition = await loadAgentDefinition(
      id,
      agent,
      loader,
      models,
      loaded.locate,
      options.tools ?? [],
    );
    for (const part of [
      definition.pattern,
      definition.context,
      ...(definition.toolExecutors ?? []),
      ...(definition.tools ?? []),
    ]) {
      keep(part);
    }
    agents[id] = definition;
  }
  for (const [id, definition] of Object.entries(options.agents ?? {})) {
    agents[id] = { ...definition, tools: [...(definition.tools ?? []), ...(options.tools ?? [])] };
  }
  const configHashes = new Map(
    Object.entries(config.agents).map(([id, agent]) => [id, sha256(JSON.stringify(redactor.redact(agent)))]),
  );
  const setup: DefaultRuntimeSetup = {
    store,
    events,
    agents,
    logger,
    clock,
    ids,
    redactor,
    closeables,
    container: root,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    durablePersistence: new StoreCheckpointer({
      store,
      runtimeVersion: '0.1.0',
      configHash: (agentId) => configHashes.get(agentId) ?? (agents[agentId] ? 'code' : undefined),
      now: () => clock.now(),
    }),
  };
  return loadRuntimeSlot(config.runtime, setup, loader);
}

async function loadRuntimeConfig(
  options: CreateRuntimeOptions,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  // Loaded on first use: config discovery (cosmiconfig) is not needed to import @agentry/core.
  const { loadConfig, resolveConfigObject } = await import('../config/load-config.js');
  if (typeof options.config === 'string') return loadConfig({ path: options.config, cwd, env, redactor });
  if (options.config !== undefined) {
    return resolveConfigObject(withCodeModels(options.config, Object.keys(options.models ?? {})), {
      baseDir: cwd,
      env,
      redactor,
    });
  }
  if (options.agents !== undefined)
    return resolveConfigObject({ version: 1 }, { baseDir: cwd, env, redactor });
  return loadConfig({ cwd, env, redactor });
}

async function loadEvents(
  loader: PluginLoader,
  slot: LoadedConfig['config']['events'],
  logger: Logger,
): Promise<EventBus> {
  if (slot === undefined) return new MittEventBus({ logger });
  if (!Array.isArray(slot)) return loader.load('event-bus', slot, ['events']);
  const buses: EventBus[] = [];
  for (const [index, item] of slot.entries())
    buses.push(await loader.load('event-bus', item, ['events', index]));
  if (buses.length === 1) return buses[0]!;
  const [first] = buses;
  return {
    kind: 'event-bus',
    specVersion: 1,
    name: buses.map((bus) => bus.name).join('+'),
    publish: async (event) => {
      await Promise.allSettled(buses.map((bus) => bus.publish(event)));
    },
    on: (type, handler) => first!.on(type, handler),
    onAny: (handler) => first!.onAny(handler),
    close: async () => {
      for (const bus of buses) await bus.close?.();
    },
  };
}

/**
 * Lets a config object name models passed in code: each such name missing
 * from `models:` gets a stand-in entry for validation, which is never loaded
 * (the code model replaces it).
 */
function withCodeModels(config: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const declared = (config.models ?? {}) as Record<string, unknown>;
  const missing = names.filter((name) => !Object.hasOwn(declared, name));
  if (missing.length === 0 || typeof declared !== 'object') return config;
  const models = { ...declared };
  for (const name of missing) models[name] = { provider: 'scripted', script: ['(model passed in code)'] };
  return { ...config, models };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(
      `The runtime's ${what} is not ready yet (a plugin asked for it while it was being created)`,
    );
  return value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
