/** Loads the config and creates a runtime from it, for the commands that touch runs. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger, Runtime } from '@agentry/core';
import type { CliContext } from './context.js';
import { createRuntime, type LoadedConfig, loadConfig } from './core-api.js';

/** A loaded config and the runtime built from it. */
export interface OpenedRuntime {
  loaded: LoadedConfig;
  runtime: Runtime;
  /** False for the in-memory store: its runs end with this process (see `persistentStore`). */
  persistentStore: boolean;
  /**
   * The `--config` that printed commands (resume …) must carry to reach this config again: the path the
   * user gave, or the file `AGENTRY_CONFIG` chose (relative to the working directory); `undefined` when
   * discovery from the working directory finds it.
   */
  configArg?: string;
}

/** See `OpenedRuntime.configArg`. */
export function configArgument(
  context: CliContext,
  configPath: string | undefined,
  file: string,
): string | undefined {
  if (configPath !== undefined) return configPath;
  if (context.io.env.AGENTRY_CONFIG === undefined || context.io.env.AGENTRY_CONFIG === '') return undefined;
  return path.relative(context.io.cwd, file) || file;
}

/** True when `name` is installed where Node's resolution from `directory` looks (its node_modules chain). */
function resolvesFrom(directory: string, name: string): boolean {
  const paths = createRequire(path.join(directory, 'noop.js')).resolve.paths(name) ?? [];
  return paths.some((candidate) => existsSync(path.join(candidate, name, 'package.json')));
}

/**
 * Whether the config's store outlives the process. The builtin `memory` store keeps runs in this
 * process only; with no `store`, the runtime uses sqlite when `@agentry/plugins` is installed beside
 * the config and the in-memory store otherwise. Any other store (an `impl` too) is taken to persist.
 */
export function persistentStore(loaded: { config: { store?: unknown }; baseDir: string }): boolean {
  const { store } = loaded.config;
  if (store === undefined) return resolvesFrom(loaded.baseDir, '@agentry/plugins');
  if (store === 'memory') return false;
  if (typeof store === 'object' && store !== null && !Array.isArray(store)) {
    return (store as { type?: unknown }).type !== 'memory';
  }
  return true;
}

/** Validates the config first (so its errors carry file:line:col), then creates the runtime. */
export async function openRuntime(
  context: CliContext,
  configPath: string | undefined,
  logger?: Logger,
): Promise<OpenedRuntime> {
  const loaded = await loadConfig({
    path: configPath,
    cwd: context.io.cwd,
    env: context.io.env,
    redactor: context.redactor,
  });
  const runtime = await createRuntime({
    config: loaded.file,
    cwd: context.io.cwd,
    env: context.io.env,
    redactor: context.redactor,
    ...(logger ? { logger } : {}),
  });
  const configArg = configArgument(context, configPath, loaded.file);
  return {
    loaded,
    runtime,
    persistentStore: persistentStore(loaded),
    ...(configArg === undefined ? {} : { configArg }),
  };
}

/** Runs `work` with an opened runtime and closes it afterwards, whatever happens. */
export async function withRuntime<T>(
  context: CliContext,
  configPath: string | undefined,
  work: (opened: OpenedRuntime) => Promise<T>,
  logger?: Logger,
): Promise<T> {
  const opened = await openRuntime(context, configPath, logger);
  try {
    return await work(opened);
  } finally {
    await opened.runtime.close();
  }
}

/** Appends a repeatable option's value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
