/**
 * The runtime `agentry dev` serves: rebuilt from the config whenever the config file, a script or an
 * `impl:` file it names changes. Runs already active finish on the runtime they started on (it closes
 * once they have); a broken edit keeps the last good runtime serving and is reported with file:line in
 * the terminal and, through `configError()`, as a banner in the console. Nothing here throws on an edit.
 */
import { existsSync, type FSWatcher, statSync, watch } from 'node:fs';
import path from 'node:path';
import type { Runtime } from '@agentry/core';
import type { RuntimeSource } from '@agentry/server';
import type { CliContext } from '../context.js';
import type { LoadedConfig } from '../core-api.js';
import { openRuntime } from '../open-runtime.js';
import { formatError } from '../render/errors.js';
import { createStyle } from '../render/style.js';

/** Files a config depends on: itself, and every relative path in it that names a file (scripts, `impl:` modules). */
export function watchedFiles(loaded: LoadedConfig): string[] {
  const files = new Set<string>(loaded.file ? [loaded.file] : []);
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.startsWith('./') && !value.startsWith('../')) return;
      const candidate = path.resolve(loaded.baseDir, value.split('#')[0] as string);
      if (existsSync(candidate) && statSync(candidate).isFile()) files.add(candidate);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(loaded.config);
  return [...files];
}

export class ReloadingRuntime implements RuntimeSource {
  private watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private error: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly retired = new Set<Promise<void>>();
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly context: CliContext,
    private readonly configPath: string | undefined,
    private runtime: Runtime,
    private loaded: LoadedConfig,
  ) {}

  /** Loads the config once (its errors end the command, like `serve`), then watches its files. */
  static async open(context: CliContext, configPath: string | undefined): Promise<ReloadingRuntime> {
    const { runtime, loaded } = await openRuntime(context, configPath);
    const reloading = new ReloadingRuntime(context, configPath ?? loaded.file, runtime, loaded);
    reloading.watch(watchedFiles(loaded));
    return reloading;
  }

  current(): Runtime {
    return this.runtime;
  }

  configError(): string | undefined {
    return this.error;
  }

  /** The config being served (the last one that loaded). */
  config(): LoadedConfig['config'] {
    return this.loaded.config;
  }

  /** Calls `listener` after each successful reload; returns a function that removes it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for a reload in progress (tests use it). */
  settled(): Promise<void> {
    return this.reloading;
  }

  private watch(files: readonly string[]): void {
    for (const watcher of this.watchers) watcher.close();
    const byDir = new Map<string, Set<string>>();
    for (const file of files) {
      const names = byDir.get(path.dirname(file)) ?? new Set<string>();
      names.add(path.basename(file));
      byDir.set(path.dirname(file), names);
    }
    // Directories, not files: editors save by replacing the file, which ends a watch on the file itself.
    this.watchers = [...byDir].map(([dir, names]) =>
      watch(dir, (_event, name) => {
        if (name && names.has(name.toString())) this.schedule();
      }).on('error', () => undefined),
    );
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reloading = this.reloading.then(() => this.reload());
    }, 150);
  }

  private async reload(): Promise<void> {
    let opened: Awaited<ReturnType<typeof openRuntime>>;
    try {
      opened = await openRuntime(this.context, this.configPath);
    } catch (error) {
      const plain = formatError(error, {
        style: createStyle(false),
        cwd: this.context.io.cwd,
        verbose: false,
        redactor: this.context.redactor,
      });
      const changed = plain !== this.error;
      this.error = plain;
      if (changed) {
        this.context.note('Config error — still serving the last good config:');
        this.context.reportError(error);
      }
      return;
    }
    const previous = this.runtime;
    this.runtime = opened.runtime;
    this.loaded = opened.loaded;
    this.error = undefined;
    this.watch(watchedFiles(opened.loaded));
    this.context.note(
      `Reloaded ${path.relative(this.context.io.cwd, opened.loaded.file ?? 'config') || 'config'}; new runs use it.`,
    );
    for (const listener of this.listeners) listener();
    // Runs active on the previous runtime finish there; close() waits for them.
    const closing = previous.close().catch(() => undefined);
    this.retired.add(closing);
    void closing.then(() => this.retired.delete(closing));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    await this.reloading;
    await Promise.all([this.runtime.close(), ...this.retired]);
  }
}
