/** Imports a resolved implementation: this copy of core, `.ts` files through jiti, everything else with `import()`. */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import { PluginError } from '../errors/agentry-error.js';
import type { ResolvedImpl } from './impl-specifier.js';
import { installReflectMetadata } from './reflect-metadata.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

let jiti: Promise<Jiti> | undefined;

/**
 * One jiti instance: transpiles TypeScript plugins in memory; its module cache keeps one instance per file.
 * jiti is imported on the first `.ts` impl only, so `import('@agentry/core')` does not pay for it.
 */
function typescriptImporter(): Promise<Jiti> {
  jiti ??= import('jiti').then(
    ({ createJiti }) => createJiti(import.meta.url, { interopDefault: false, moduleCache: true }),
    (error: unknown) => {
      jiti = undefined;
      throw error;
    },
  );
  return jiti;
}

let core: Promise<Record<string, unknown>> | undefined;

/** This copy of core's namespace (builtins such as `MemoryStore` load from it), imported once. */
function coreModule(): Promise<Record<string, unknown>> {
  core ??= import('../index.js') as Promise<Record<string, unknown>>;
  return core;
}

/** Modification time of each impl file when it was last imported. */
const importedAt = new Map<string, number>();

/**
 * Whether `file` changed on disk since this process last imported it (an edit under `agentry dev`).
 * A first import records the time and says no, so ordinary runs use the plain module cache.
 */
function changedSinceImport(file: string): boolean {
  let mtime: number;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return false;
  }
  const previous = importedAt.get(file);
  importedAt.set(file, mtime);
  return previous !== undefined && previous !== mtime;
}

/**
 * The module namespace of `resolved`. A file that changed since this process imported it is
 * imported again (a new runtime after an edit gets the edited code; runtimes already made keep theirs).
 * @throws PluginError `plugin.load_failed` when the module throws while loading.
 */
export async function importImpl(impl: string, resolved: ResolvedImpl): Promise<Record<string, unknown>> {
  try {
    return resolved.type === 'core' ? await coreModule() : await importFile(resolved.file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new PluginError('plugin.load_failed', {
      message: `impl "${impl}" failed to load: ${detail}`,
      hint: 'fix the error in that module (it threw while being imported)',
      cause: error,
      context: { plugin: impl },
    });
  }
}

/** A plugin file: `.ts` through jiti, anything else with `import()`. */
async function importFile(file: string): Promise<Record<string, unknown>> {
  // A plugin may use decorators (tsyringe's among them), which need the polyfill when its module loads.
  installReflectMetadata();
  const changed = changedSinceImport(file);
  if (TYPESCRIPT.has(extname(file))) {
    const importer = await typescriptImporter();
    if (changed) delete importer.cache[file];
    return await importer.import<Record<string, unknown>>(file);
  }
  const href = pathToFileURL(file).href;
  return (await import(changed ? `${href}?mtime=${importedAt.get(file)}` : href)) as Record<string, unknown>;
}
