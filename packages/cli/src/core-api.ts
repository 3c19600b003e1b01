/**
 * The parts of `@agentry/core` the CLI uses from the config, loader and runtime areas, in one place:
 * commands import them from here, so a change of those entry points touches one file.
 */

import type {
  ConfigIssue,
  LoadedConfig as CoreLoadedConfig,
  Logger,
  Redactor,
  Runtime,
  Store,
} from '@agentry/core';
import * as core from '@agentry/core';
import { PluginLoader } from '@agentry/core/internal';

export type { BuiltinPluginInfo, ConfigIssue } from '@agentry/core';
export { ConfigError, configJsonSchema, createRedactor, listBuiltinPlugins } from '@agentry/core';

/** A loaded config; the CLI only loads from files, so `file` is always set. */
export type LoadedConfig = CoreLoadedConfig & { readonly file: string };

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  path?: string | undefined;
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives every secret the config holds, so output through it is redacted. */
  redactor?: Redactor;
}

/** Finds, parses and validates the config file; throws `ConfigError` (with `issues`) when it is not valid. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const loaded = await core.loadConfig({
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
    ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
  });
  if (loaded.file === undefined) throw new Error('loadConfig returned a config without a file');
  return loaded as LoadedConfig;
}

/** Creates a runtime from a config file, with the CLI's environment and redactor. */
export async function createRuntime(options: {
  config: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  /** Where the runtime logs (default: nowhere). */
  logger?: Logger;
}): Promise<Runtime> {
  return await core.createRuntime({
    config: options.config,
    cwd: options.cwd,
    env: { ...options.env },
    redactor: options.redactor,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The store a runtime of this config uses: its `store:` slot, else `sqlite` beside the config file. */
export async function openConfigStore(loaded: LoadedConfig): Promise<Store> {
  return PluginLoader.fromConfig(loaded).load('store', loaded.config.store ?? 'sqlite', ['store']);
}

/** The issues of a `ConfigError`, or an empty list. */
export function configIssues(error: unknown): readonly ConfigIssue[] {
  if (typeof error !== 'object' || error === null) return [];
  const issues = (error as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as ConfigIssue[]) : [];
}
