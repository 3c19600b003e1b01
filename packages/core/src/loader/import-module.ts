/** Imports a resolved implementation: this copy of core, `.ts` files through jiti, everything else with `import()`. */
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import { PluginError } from '../errors/agentry-error.js';
import type { ResolvedImpl } from './impl-specifier.js';

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

/** The module namespace of `resolved`. @throws PluginError `plugin.load_failed` when the module throws while loading. */
export async function importImpl(impl: string, resolved: ResolvedImpl): Promise<Record<string, unknown>> {
  try {
    if (resolved.type === 'core') return (await import('../index.js')) as Record<string, unknown>;
    if (TYPESCRIPT.has(extname(resolved.file))) {
      return await (await typescriptImporter()).import<Record<string, unknown>>(resolved.file);
    }
    return (await import(pathToFileURL(resolved.file).href)) as Record<string, unknown>;
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
