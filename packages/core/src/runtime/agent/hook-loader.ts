/** Loads config hook specifiers (`hooks.before` / `hooks.after`: `<specifier>#<export>`) as functions, once. */
import type { AfterToolHook, BeforeToolHook } from '../../contracts/tool.js';
import { ConfigError } from '../../errors/agentry-error.js';
import { parseImplSpecifier, resolveImpl } from '../../loader/impl-specifier.js';
import { importImpl } from '../../loader/import-module.js';
import type { AfterRunHook, BeforeRunHook } from './run-hooks.js';

function hookPayload(path: string): string {
  if (path.endsWith('beforeRun')) return '{ runId, agent, input, sessionId, budget, metadata }';
  if (path.endsWith('afterRun')) return '{ request, result, events }';
  return `{ tool, input, context${path.includes('after') ? ', outcome' : ''} }`;
}

/**
 * Imports one hook function. Specifiers follow the same rules as plugin
 * `impl` paths (packages or files inside the project; URLs refused).
 */
export async function loadHook<H extends BeforeToolHook | AfterToolHook | BeforeRunHook | AfterRunHook>(
  impl: string,
  baseDir: string,
  path: string,
  locate: (path: readonly (string | number)[]) => string | undefined,
  keyPath: readonly (string | number)[],
): Promise<H> {
  const parsed = parseImplSpecifier(impl);
  const module = await importImpl(impl, resolveImpl(impl, parsed.specifier, { baseDir }));
  const exported = Object.hasOwn(module, parsed.exportName) ? module[parsed.exportName] : undefined;
  if (typeof exported !== 'function') {
    const location = locate(keyPath);
    throw new ConfigError('config.invalid', {
      message: `${location ? `${location}: ` : ''}${path} "${impl}" is not a function export`,
      hint: `Export a hook function named "${parsed.exportName}" that takes one payload object (${hookPayload(path)}).`,
      context: { path, ...(location ? { location } : {}) },
    });
  }
  return exported as H;
}
