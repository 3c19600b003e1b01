/** PluginLoader: resolves a config slot to a plugin instance (builtin name or impl path), checking kind, version and config. */
import { fileURLToPath } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import { BUILTIN_PLUGINS, type BuiltinPluginInfo } from '../config/builtin-plugins.js';
import { suggestionHint } from '../config/did-you-mean.js';
import { formatPath, schemaIssues } from '../config/issues.js';
import { registerNamedSecrets } from '../config/redactor.js';
import type { LoadedConfig } from '../config/resolve.js';
import type { ModelConfig } from '../config/schema.js';
import { registerSchemaSecrets } from '../config/schema-walk.js';
import type { Model } from '../contracts/model.js';
import type { PluginDefinition, PluginDeps, PluginKind, PluginKindMap } from '../contracts/plugin.js';
import { PLUGIN_SPEC_VERSIONS } from '../contracts/plugin.js';
import type { Store } from '../contracts/store.js';
import { type ConfigIssue, isAgentryError, isPluginError, PluginError } from '../errors/agentry-error.js';
import { fastPluginConfig } from '../plugin/fast-plugin-config.js';
import { createRootContainer, resolveToken, TOKENS, type Token, whileCreating } from './container.js';
import { coreBuiltinExport } from './core-builtins.js';
import { parseImplSpecifier, resolveImpl } from './impl-specifier.js';
import { importImpl } from './import-module.js';
import {
  errorText,
  instanceProblem,
  type LoadableSlot,
  type NormalizedSlot,
  normalizeSlot,
  toDefinition,
  withApproval,
} from './plugin-exports.js';

type Path = readonly (string | number)[];
type PluginCode =
  | 'plugin.not_found'
  | 'plugin.kind_mismatch'
  | 'plugin.spec_version_unsupported'
  | 'plugin.config_invalid'
  | 'plugin.impl_refused'
  | 'plugin.load_failed'
  | 'plugin.create_failed';

/** Per-call options of `PluginLoader.load`. */
export interface LoadPluginOptions {
  /** Container that `deps` resolve from (a run's child container); default the loader's. */
  container?: DependencyContainer;
  /** Where the slot's config values sit in the file; default `[...path, 'config']`. */
  configPath?: Path;
}

/** Options of `new PluginLoader`. */
export interface PluginLoaderOptions {
  /** Directory of the config file; relative impl paths and plugin `baseDir` use it. */
  baseDir: string;
  /** Impl files must stay inside it. Default `baseDir`. */
  projectRoot?: string;
  /** Root container (store, bus, models, services). Default `createRootContainer()`. */
  container?: DependencyContainer;
  /** Maps a key path to `file:line:col` (pass `loadedConfig.locate`). */
  locate?: (path: Path) => string | undefined;
  /** Builtin registry; default `BUILTIN_PLUGINS`. */
  builtins?: readonly BuiltinPluginInfo[];
}

const CREATION_TOKENS: Partial<Record<PluginKind, Token<unknown>>> = {
  store: TOKENS.Store,
  'event-bus': TOKENS.EventBus,
  model: TOKENS.ModelRegistry,
};

/** Plugin codes that a config issue may carry (the rest, such as `plugin.load_failed`, stay in the message). */
const CONFIG_CODES = ['plugin.not_found', 'plugin.kind_mismatch', 'plugin.impl_refused'] as const;

/** Where builtin packages are also looked up: beside this copy of core. */
const CORE_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * Loads plugins for config slots. A builtin name or `{ type }` goes through
 * the registry to its impl; `{ impl: "<specifier>#<export>" }` is imported
 * (packages from the config's directory, files inside the project, `.ts` via
 * jiti). The export may be a plugin definition, a class with a static
 * `plugin`, or (tool slots) a tool. Then the kind is checked, the spec
 * version, the slot config (against the plugin's schema), and `create` runs.
 *
 * @example
 * ```ts
 * const loader = PluginLoader.fromConfig(loaded, root);
 * const memory = await loader.load('memory', agent.memory ?? 'buffer', ['agents', 'assistant', 'memory']);
 * ```
 */
export class PluginLoader {
  readonly baseDir: string;
  readonly #projectRoot: string;
  readonly #container: DependencyContainer;
  readonly #locate: (path: Path) => string | undefined;
  readonly #builtins: readonly BuiltinPluginInfo[];

  constructor(options: PluginLoaderOptions) {
    this.baseDir = options.baseDir;
    this.#projectRoot = options.projectRoot ?? options.baseDir;
    this.#container = options.container ?? createRootContainer();
    this.#locate = options.locate ?? (() => undefined);
    this.#builtins = options.builtins ?? BUILTIN_PLUGINS;
  }

  /** The store of the loader's container, resolved when called (the builtin `rate-limit` run hook counts in it). */
  storeService(): () => Store {
    return () => resolveToken(this.#container, TOKENS.Store);
  }

  /** A loader for a loaded config: its `baseDir` and positions. */
  static fromConfig(loaded: LoadedConfig, container?: DependencyContainer): PluginLoader {
    return new PluginLoader({
      baseDir: loaded.baseDir,
      locate: loaded.locate,
      ...(container ? { container } : {}),
    });
  }

  /**
   * Loads the slot at `path` as a plugin of `kind` and creates it.
   * Tool slots resolve to `Tool | Tool[]`; their `approval` overrides each tool's rule.
   *
   * @throws PluginError `plugin.not_found`, `plugin.impl_refused`, `plugin.load_failed`,
   * `plugin.kind_mismatch`, `plugin.spec_version_unsupported`, `plugin.config_invalid`, `plugin.create_failed`.
   */
  async load<K extends PluginKind>(
    kind: K,
    slot: LoadableSlot,
    path: Path,
    options: LoadPluginOptions = {},
  ): Promise<PluginKindMap[K]> {
    const container = options.container ?? this.#container;
    const definition = await this.resolveDefinition(kind, slot, path);
    const normalized = normalizeSlot(slot);
    const rawConfig = normalized.config ?? {};
    const configPath = options.configPath ?? [...path, 'config'];
    const builtin = normalized.impl === undefined;
    const config = this.#validateConfig(definition, rawConfig, path, configPath, container, builtin);
    const deps = this.#deps(container);
    const create = async (): Promise<unknown> => definition.create(config, deps);
    const token = CREATION_TOKENS[kind];
    let instance: unknown;
    try {
      instance = token ? await whileCreating(container, token, create) : await create();
    } catch (error) {
      throw this.#createFailed(error, path, definition.name);
    }
    return this.#checkInstance(kind, instance, slot, path, definition.name) as PluginKindMap[K];
  }

  /** What `load` throws when `create` failed. */
  #createFailed(error: unknown, path: Path, plugin: string): unknown {
    // A plugin's own PluginError gets the slot's path and YAML location (`events (agentry.yaml:3:9) …`).
    if (error instanceof PluginError && error.context.path === undefined) return this.#withPath(error, path);
    if (isAgentryError(error)) return error;
    return this.#error('plugin.create_failed', path, `${plugin} failed to start: ${errorText(error)}`, {
      hint: 'check the plugin config and that what it connects to is reachable',
      cause: error,
      plugin,
    });
  }

  /** Loads a `models:` entry: `{ provider, ...config }` (config keys sit beside `provider`) or `{ impl, config }`. */
  async loadModel(name: string, model: ModelConfig, options: LoadPluginOptions = {}): Promise<Model> {
    const path = ['models', name];
    const entry = model as { impl?: unknown; config?: Record<string, unknown>; provider?: unknown };
    if (typeof entry.impl === 'string') {
      return this.load(
        'model',
        { impl: entry.impl, ...(entry.config ? { config: entry.config } : {}) },
        path,
        options,
      );
    }
    const {
      provider,
      rateLimit: _rateLimit,
      ...config
    } = model as { provider: string } & Record<string, unknown>;
    return this.load('model', { type: provider, config }, path, { configPath: path, ...options });
  }

  /**
   * What `load` would refuse for this slot, as located issues, without creating anything: the plugin is
   * resolved (a builtin's module, or the `impl` - which imports that module) and its config is checked
   * against the plugin's schema. Returns `[]` when the slot would load. Used by `agentry validate`, which
   * reports every slot's problems at once.
   */
  async check(
    kind: PluginKind,
    slot: LoadableSlot,
    path: Path,
    options: LoadPluginOptions = {},
  ): Promise<ConfigIssue[]> {
    let definition: PluginDefinition;
    try {
      definition = await this.resolveDefinition(kind, slot, path);
    } catch (error) {
      if (!isPluginError(error)) throw error;
      const location = error.context.location ?? this.#locate(path);
      const code = CONFIG_CODES.find((candidate) => candidate === error.code);
      const where = `${this.#where(path)} `;
      return [
        {
          // The issue carries the path and location itself: no `agents.a.memory (file:1:2)` in front.
          message: error.message.startsWith(where) ? error.message.slice(where.length) : error.message,
          path: [...path],
          ...(code === undefined ? {} : { code }),
          ...(location === undefined ? {} : { location }),
          ...(error.hint === undefined ? {} : { hint: error.hint }),
        },
      ];
    }
    const normalized = normalizeSlot(slot);
    const rawConfig = normalized.config ?? {};
    if (fastPluginConfig(definition, rawConfig) !== undefined) return [];
    if (definition.configSchema.safeParse(rawConfig).success) return [];
    const locator = { locate: this.#locate, locateKey: this.#locate };
    const configPath = options.configPath ?? [...path, 'config'];
    const hint =
      normalized.impl === undefined
        ? `\`agentry plugins ${definition.name}\` shows its config`
        : "the plugin's configSchema says what it accepts";
    return schemaIssues(definition.configSchema, rawConfig, locator, [...configPath]).map((issue) => ({
      ...issue,
      message: `${definition.name}: ${issue.message}`,
      code: 'plugin.config_invalid',
      hint: issue.hint ?? hint,
    }));
  }

  /** `check` for a `models:` entry (config keys beside `provider`, or `{ impl, config }`). */
  checkModel(name: string, model: ModelConfig): Promise<ConfigIssue[]> {
    const path = ['models', name];
    const entry = model as { impl?: unknown; config?: Record<string, unknown> };
    if (typeof entry.impl === 'string') {
      return this.check(
        'model',
        { impl: entry.impl, ...(entry.config ? { config: entry.config } : {}) },
        path,
      );
    }
    const { provider, ...config } = model as { provider: string } & Record<string, unknown>;
    return this.check('model', { type: provider, config }, path, { configPath: path });
  }

  /** Imports and checks what a slot points to (kind, spec version), without creating it. */
  async resolveDefinition(kind: PluginKind, slot: LoadableSlot, path: Path): Promise<PluginDefinition> {
    const normalized = normalizeSlot(slot);
    const impl = this.#implOf(kind, normalized, path);
    const builtin = normalized.type !== undefined;
    const exported = (builtin && coreBuiltinExport(impl)) || (await this.#importExport(impl, path, builtin));
    const definition = toDefinition(exported);
    if (definition?.kind === kind && definition.specVersion === PLUGIN_SPEC_VERSIONS[kind]) return definition;
    throw this.#definitionProblem(kind, definition, impl, path);
  }

  /** Why a resolved export cannot load as a plugin of `kind`: not a plugin, another kind, or another spec version. */
  #definitionProblem(
    kind: PluginKind,
    definition: PluginDefinition | undefined,
    impl: string,
    path: Path,
  ): PluginError {
    if (!definition) {
      return this.#error('plugin.load_failed', path, `impl "${impl}" is not a plugin`, {
        hint: 'export definePlugin({...}), a class with `static readonly plugin = definePlugin(...)`, or a defineTool(...) tool',
        plugin: impl,
      });
    }
    if (definition.kind !== kind) {
      return this.#error(
        'plugin.kind_mismatch',
        path,
        `points to a '${definition.kind}' plugin; expected kind '${kind}'`,
        {
          hint: `use a ${kind} plugin here (\`agentry plugins\` lists the builtins)`,
          plugin: definition.name,
        },
      );
    }
    const supported = PLUGIN_SPEC_VERSIONS[kind];
    return this.#error(
      'plugin.spec_version_unsupported',
      path,
      `${definition.name} implements ${kind} spec version ${String(definition.specVersion)}; this Agentry supports ${supported}`,
      {
        hint: 'use a plugin version built for this Agentry, or upgrade @agentry/core',
        plugin: definition.name,
      },
    );
  }

  /**
   * Imports one export of an impl specifier (e.g. a hook: `./hooks.ts#audit`)
   * with the same refusals and errors as plugins; `path` is where it sits in config.
   */
  async loadExport(impl: string, path: Path): Promise<unknown> {
    return this.#importExport(impl, path, false);
  }

  async #importExport(impl: string, path: Path, builtin: boolean): Promise<unknown> {
    let parsed: ReturnType<typeof parseImplSpecifier>;
    let module: Record<string, unknown>;
    try {
      parsed = parseImplSpecifier(impl);
      const resolved = resolveImpl(impl, parsed.specifier, {
        baseDir: this.baseDir,
        projectRoot: this.#projectRoot,
        ...(builtin ? { fallbackDirs: [CORE_DIR] } : {}),
      });
      module = await importImpl(impl, resolved);
    } catch (error) {
      throw this.#withPath(error, path);
    }
    const exported = Object.hasOwn(module, parsed.exportName) ? module[parsed.exportName] : undefined;
    if (exported === undefined) {
      const names = Object.keys(module);
      throw this.#error('plugin.not_found', path, `impl "${impl}" has no export "${parsed.exportName}"`, {
        hint: suggestionHint(parsed.exportName, names) ?? `its exports: ${names.join(', ') || 'none'}`,
        plugin: impl,
      });
    }
    return exported;
  }

  #implOf(kind: PluginKind, slot: NormalizedSlot, path: Path): string {
    if (slot.impl !== undefined && slot.type === undefined) return slot.impl;
    const name = slot.type;
    const found = this.#builtins.find((info) => info.kind === kind && info.name === name);
    if (found !== undefined && slot.impl === undefined) return found.impl;
    throw this.#implProblem(kind, slot, path);
  }

  /** Why a slot names no implementation: `type` and `impl` together, no name, or no builtin of that name. */
  #implProblem(kind: PluginKind, slot: NormalizedSlot, path: Path): PluginError {
    if (slot.impl !== undefined) {
      return this.#error('plugin.impl_refused', path, '`type` and `impl` together', {
        hint: 'keep one of them',
      });
    }
    const name = slot.type;
    if (typeof name !== 'string' || name === '') {
      return this.#error('plugin.not_found', path, 'the slot names no plugin', {
        hint: 'use a builtin name, { type, config } or { impl, config }',
      });
    }
    const names = this.#builtins.filter((info) => info.kind === kind).map((info) => info.name);
    return this.#error('plugin.not_found', path, `unknown ${kind} "${name}"`, {
      hint: suggestionHint(name, names) ?? `builtin ${kind} plugins: ${names.join(', ') || 'none'}`,
      plugin: name,
    });
  }

  #validateConfig(
    definition: PluginDefinition,
    rawConfig: unknown,
    path: Path,
    configPath: Path,
    container: DependencyContainer,
    builtin = false,
  ): unknown {
    // A builtin's hand-written check first: zod compiles a schema on its first parse.
    const fast = fastPluginConfig(definition, rawConfig);
    if (fast === undefined)
      return this.#validateWithSchema(definition, rawConfig, path, configPath, container, builtin);
    registerNamedSecrets(fast, resolveToken(container, TOKENS.Redactor));
    return fast;
  }

  /** `#validateConfig` by the plugin's zod schema: the parsed config, or `plugin.config_invalid` listing each issue. */
  #validateWithSchema(
    definition: PluginDefinition,
    rawConfig: unknown,
    path: Path,
    configPath: Path,
    container: DependencyContainer,
    builtin: boolean,
  ): unknown {
    const locator = { locate: this.#locate, locateKey: this.#locate };
    const result = definition.configSchema.safeParse(rawConfig);
    if (!result.success) {
      const issues = schemaIssues(definition.configSchema, rawConfig, locator, [...configPath]);
      const lines = issues.map(
        (issue) =>
          `  ${issue.location ?? '(config)'}  ${formatPath(issue.path)}  ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`,
      );
      const redactor = resolveToken(container, TOKENS.Redactor);
      throw this.#error(
        'plugin.config_invalid',
        path,
        redactor.redactText(`config of ${definition.name} is invalid:\n${lines.join('\n')}`),
        {
          // Only a builtin is listed by `agentry plugins`; an impl's config is described by its own author.
          hint: builtin
            ? `fix the listed keys; \`agentry plugins ${definition.name}\` shows its config`
            : "fix the listed keys; the plugin's configSchema says what it accepts",
          plugin: definition.name,
          location: issues[0]?.location,
        },
      );
    }
    const redactor = resolveToken(container, TOKENS.Redactor);
    registerSchemaSecrets(definition.configSchema, result.data, redactor);
    registerNamedSecrets(result.data, redactor);
    return result.data;
  }

  #deps(container: DependencyContainer): PluginDeps {
    return {
      baseDir: this.baseDir,
      logger: resolveToken(container, TOKENS.Logger),
      clock: resolveToken(container, TOKENS.Clock),
      ids: resolveToken(container, TOKENS.IdFactory),
      redactor: resolveToken(container, TOKENS.Redactor),
      store: () => resolveToken(container, TOKENS.Store),
      events: () => resolveToken(container, TOKENS.EventBus),
      models: () => resolveToken(container, TOKENS.ModelRegistry),
      childRuns: () => resolveToken(container, TOKENS.ChildRunner),
      load: (kind, slot, path) => this.load(kind, slot, path, { container }),
    };
  }

  #checkInstance(kind: PluginKind, instance: unknown, slot: LoadableSlot, path: Path, name: string): unknown {
    const problem = instanceProblem(kind, instance);
    if (problem) {
      throw this.#error('plugin.create_failed', path, `${name} ${problem}`, {
        hint: `create() must return an object implementing the ${kind} contract`,
        plugin: name,
      });
    }
    return kind === 'tool' ? withApproval(instance, normalizeSlot(slot).approval) : instance;
  }

  #where(path: Path): string {
    const location = this.#locate(path);
    return location ? `${formatPath(path)} (${location})` : formatPath(path);
  }

  #error(
    code: PluginCode,
    path: Path,
    message: string,
    extra: { hint?: string; cause?: unknown; plugin?: string; location?: string | undefined },
  ): PluginError {
    const location = extra.location ?? this.#locate(path);
    return new PluginError(code, {
      message: `${this.#where(path)} ${message}`,
      ...(extra.hint ? { hint: extra.hint } : {}),
      cause: extra.cause,
      context: {
        path: formatPath(path),
        ...(location ? { location } : {}),
        ...(extra.plugin ? { plugin: extra.plugin } : {}),
      },
    });
  }

  /** Re-throws a resolution error with the slot's path and location in front. */
  #withPath(error: unknown, path: Path): unknown {
    if (!isPluginError(error)) return error;
    return this.#error(error.code as PluginCode, path, error.message, {
      ...(error.hint ? { hint: error.hint } : {}),
      cause: error.cause ?? error,
      ...(error.context.plugin === undefined ? {} : { plugin: error.context.plugin }),
    });
  }
}
