/** `createRuntime`: config (path or object) plus code-supplied plugins → a ready runtime, every slot loaded once. */
import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadConfig, resolveConfigObject } from '../config/load-config.js';
import { createRedactor } from '../config/redactor.js';
import type { LoadedConfig } from '../config/resolve.js';
import type { EventBus } from '../contracts/event-bus.js';
import { type AiSdkLanguageModelLike, isModel, type Model } from '../contracts/model.js';
import { type Closeable, isCloseable } from '../contracts/plugin.js';
import type { Queue } from '../contracts/queue.js';
import type { ChildRunner, Runtime } from '../contracts/runtime.js';
import type { Clock, IdFactory, Logger, Redactor } from '../contracts/services.js';
import type { Store } from '../contracts/store.js';
import type { Tool } from '../contracts/tool.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { MittEventBus } from '../defaults/mitt-event-bus.js';
import { ConfigError } from '../errors/agentry-error.js';
import { createRootContainer } from '../loader/container.js';
import type { LoadableSlot } from '../loader/plugin-exports.js';
import { PluginLoader } from '../loader/plugin-loader.js';
import { silentLogger } from '../services/console-logger.js';
import { RandomIdFactory } from '../services/random-id-factory.js';
import { SystemClock } from '../services/system-clock.js';
import type { AgentDefinition } from './agent/agent-setup.js';
import { loadAgentDefinition } from './agent/config-agents.js';
import { NamedModels } from './agent/model-registry.js';
import { type ModelRateLimit, rateLimitedModel } from './agent/rate-limited-model.js';
import { loadRunHooks } from './agent/run-hook-loader.js';
import type { RunHooks } from './agent/run-hooks.js';
import type { ToolHooks } from './agent/tool-hooks.js';
import type { DefaultRuntimeSetup } from './default-runtime.js';
import { StoreCheckpointer } from './durability/checkpointer.js';
import { DEFAULT_RUN_LEASE_TTL_MS } from './durability/run-lease.js';
import { loadRuntimeSlot } from './runtime-slot.js';
import { childRunnerOf } from './tools/child-runs.js';

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
  /**
   * Models by name, beside (and over) the config's `models`: Agentry `Model`s, or AI SDK language model
   * objects (`openai('gpt-4.1-mini')` of AI SDK 5, 6 or 7 providers), which load through the builtin
   * `ai-sdk` model of `@agentry/plugins`.
   */
  models?: { readonly [name: string]: Model | AiSdkLanguageModelLike };
  /** Agents defined in code, beside (and over) the config's `agents`. */
  agents?: { readonly [agentId: string]: AgentDefinition };
  /**
   * The store. Default: the config's `store`; without one, a config read from
   * a FILE uses `sqlite` (`.agentry/agentry.db` beside the config) when
   * `@agentry/plugins` resolves from the config's directory, else an
   * in-memory store (with a logger warning); a config object passed in code
   * uses an in-memory store.
   */
  store?: Store;
  /** The event bus (default: the config's `events`, else an in-process mitt bus). */
  events?: EventBus;
  /** The run queue (default: the config's `queue`, else the in-process `local` queue). */
  queue?: Queue;
  /** Hooks for every tool of every agent, after the tool's and the agent's own. */
  hooks?: ToolHooks;
  /** Run hooks of every agent, after the config's `hooks:` (`beforeRun`) and before them (`afterRun`). */
  runHooks?: RunHooks;
  logger?: Logger;
  clock?: Clock;
  ids?: IdFactory;
  redactor?: Redactor;
  /**
   * Time-to-live of the lease a durable run holds while this runtime runs it
   * (renewed every third of it). After a crash, another process can resume
   * the run once the lease has expired; `resume` watches a held lease for up
   * to twice this long before it gives up. Default: env
   * `AGENTRY_RUN_LEASE_TTL_MS`, else 15 000 ms.
   */
  runLeaseTtlMs?: number;
}

/**
 * Creates a runtime. Loads the config, then every plugin slot once (store,
 * event bus, models, and per agent: pattern, memory, context, executors,
 * tools, hooks); nothing is resolved again per run or per step.
 *
 * Default store: the config's `store:`; without one, a config FILE gets
 * `sqlite` at `.agentry/agentry.db` beside it when `@agentry/plugins` resolves
 * from its directory, otherwise an in-memory store and one logger warning
 * (runs then do not survive the process). A config object passed in code
 * keeps the in-memory default.
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
  let childRuns: ChildRunner | undefined;
  const root = createRootContainer({
    store: () => required(store, 'store'),
    childRuns: () => required(childRuns, 'child-run service'),
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
  store ??= config.store
    ? await loader.load('store', config.store, ['store'])
    : await defaultStore(loader, loaded, logger, clock);
  events ??= await loadEvents(loader, config.events, logger);
  const named = new Map<string, Model>();
  for (const [name, model] of Object.entries(config.models)) {
    if (options.models?.[name] !== undefined) continue;
    const loadedModel = keep(await loader.loadModel(name, model));
    const limit = (model as { rateLimit?: ModelRateLimit }).rateLimit;
    named.set(
      name,
      limit ? rateLimitedModel(loadedModel, name, limit, () => required(store, 'store')) : loadedModel,
    );
  }
  for (const [name, model] of Object.entries(options.models ?? {})) {
    named.set(name, isModel(model) ? model : await loader.load('model', aiSdkSlot(model), ['models', name]));
  }
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
  // Computed on first use (a durable run's first checkpoint), once per agent: most runtimes never need one.
  const configHashes = new Map<string, string>();
  const configHash = (agentId: string): string | undefined => {
    let known = configHashes.get(agentId);
    if (known === undefined && Object.hasOwn(config.agents, agentId)) {
      known = sha256(JSON.stringify(redactor.redact(config.agents[agentId])));
      configHashes.set(agentId, known);
    }
    return known ?? (agents[agentId] ? 'code' : undefined);
  };
  const queue = options.queue ?? keep(await loader.load('queue', config.queue, ['queue']));
  const agentLimits = Object.fromEntries(
    Object.entries(config.agents).flatMap(([id, agent]) =>
      agent.maxActiveRuns === undefined ? [] : [[id, agent.maxActiveRuns] as const],
    ),
  );
  const setup: DefaultRuntimeSetup = {
    store,
    events,
    agents,
    queue,
    agentLimits,
    logger,
    clock,
    ids,
    redactor,
    closeables,
    container: root,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    runHooks: mergeRunHooks(
      await loadRunHooks(config.hooks, ['hooks'], loader.baseDir, loaded.locate, loader.storeService()),
      options.runHooks,
    ),
    runLeaseTtlMs: leaseTtl(options.runLeaseTtlMs, env),
    durablePersistence: new StoreCheckpointer({
      store,
      runtimeVersion: '0.1.0',
      configHash,
      now: () => clock.now(),
      redactor,
    }),
  };
  const runtime = await loadRuntimeSlot(config.runtime, setup, loader);
  childRuns = childRunnerOf(runtime);
  return runtime;
}

async function loadRuntimeConfig(
  options: CreateRuntimeOptions,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
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

/**
 * The store when the config sets none: `sqlite` beside a config file when
 * `@agentry/plugins` can be loaded from there, else in-memory (with a warning
 * for a config file, whose user expects runs to last).
 */
async function defaultStore(
  loader: PluginLoader,
  loaded: LoadedConfig,
  logger: Logger,
  clock: Clock,
): Promise<Store> {
  if (loaded.file === undefined) return new MemoryStore({ clock });
  if (resolvesFrom(loaded.baseDir, '@agentry/plugins')) return loader.load('store', 'sqlite', ['store']);
  logger.warn(
    'no store configured and @agentry/plugins is not installed: using an in-memory store; runs will not survive this process; install @agentry/plugins or set store:',
    { config: loaded.file },
  );
  return new MemoryStore({ clock });
}

/** True when `name` is installed where Node's resolution from `dir` looks (its node_modules chain). */
function resolvesFrom(dir: string, name: string): boolean {
  const paths = createRequire(join(dir, 'noop.js')).resolve.paths(name) ?? [];
  return paths.some((path) => existsSync(join(path, name, 'package.json')));
}

/** `runLeaseTtlMs`, else env `AGENTRY_RUN_LEASE_TTL_MS`, else the default; a bad value is a config error. */
function leaseTtl(option: number | undefined, env: NodeJS.ProcessEnv): number {
  const raw = option ?? env.AGENTRY_RUN_LEASE_TTL_MS;
  if (raw === undefined || raw === '') return DEFAULT_RUN_LEASE_TTL_MS;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || value < 30) {
    throw new ConfigError('config.invalid', {
      message: `The run lease TTL must be a number of milliseconds of at least 30, got ${JSON.stringify(raw)}`,
      hint: 'Set runLeaseTtlMs (or AGENTRY_RUN_LEASE_TTL_MS) to e.g. 15000, or leave it unset.',
    });
  }
  return Math.floor(value);
}

async function loadEvents(
  loader: PluginLoader,
  slot: LoadedConfig['config']['events'],
  logger: Logger,
): Promise<EventBus> {
  if (slot === undefined) return new MittEventBus({ logger });
  return Array.isArray(slot) ? loadEventBuses(loader, slot) : loader.load('event-bus', slot, ['events']);
}

/** `events:` as a list: every bus gets every event; handlers subscribe on the first. */
async function loadEventBuses(loader: PluginLoader, slots: readonly LoadableSlot[]): Promise<EventBus> {
  const buses: EventBus[] = [];
  for (const [index, item] of slots.entries())
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

/** The slot of a language model object passed in code: the builtin `ai-sdk` model adapts it. */
function aiSdkSlot(languageModel: AiSdkLanguageModelLike): { type: string; config: Record<string, unknown> } {
  return { type: 'ai-sdk', config: { languageModel } };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(
      `The runtime's ${what} is not ready yet (a plugin asked for it while it was being created)`,
    );
  return value;
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Config run hooks with the ones passed in code: code `beforeRun` hooks after the config's, `afterRun` before. */
function mergeRunHooks(config: RunHooks, code: RunHooks | undefined): RunHooks {
  return {
    beforeRun: [...(config.beforeRun ?? []), ...(code?.beforeRun ?? [])],
    afterRun: [...(code?.afterRun ?? []), ...(config.afterRun ?? [])],
  };
}
