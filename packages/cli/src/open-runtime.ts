/** Loads the config and creates a runtime from it, for the commands that touch runs. */
import type { Runtime } from '@agentry/core';
import type { CliContext } from './context.js';
import { createRuntime, type LoadedConfig, loadConfig } from './core-api.js';

/** A loaded config and the runtime built from it. */
export interface OpenedRuntime {
  loaded: LoadedConfig;
  runtime: Runtime;
}

/** Validates the config first (so its errors carry file:line:col), then creates the runtime. */
export async function openRuntime(
  context: CliContext,
  configPath: string | undefined,
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
  });
  return { loaded, runtime };
}

/** Runs `work` with an opened runtime and closes it afterwards, whatever happens. */
export async function withRuntime<T>(
  context: CliContext,
  configPath: string | undefined,
  work: (opened: OpenedRuntime) => Promise<T>,
): Promise<T> {
  const opened = await openRuntime(context, configPath);
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
