/**
 * Static checks of every `impl` and hook specifier in a loaded config: the refusals `agentry run` applies
 * before it imports anything (URLs, `data:`/`node:`/`file:` specifiers, paths that leave the project,
 * reserved export names), reported with file:line:col and without importing a module.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigIssue, isAgentryError } from '@agentry/core';
import { parseImplSpecifier } from '@agentry/core/internal';
import type { LoadedConfig } from './core-api.js';

/** One specifier in the config and the key path of its value. */
export interface ImplReference {
  impl: string;
  path: (string | number)[];
}

/** What is wrong with a specifier, and how to fix it. */
export interface ImplProblem {
  message: string;
  hint?: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:\/[A-Za-z0-9._~@-]+)*$/;
const AGENT_SLOTS = ['pattern', 'memory', 'context', 'toolExecutor', 'tools'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `impl` of a slot, or of each slot of a list. */
function slotImpls(value: unknown, at: (string | number)[]): ImplReference[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => slotImpls(item, [...at, index]));
  if (isRecord(value) && typeof value.impl === 'string') return [{ impl: value.impl, path: [...at, 'impl'] }];
  return [];
}

/** Every `impl` (runtime, store, events, models, agent slots and tools) and hook specifier of `config`. */
export function implReferences(config: unknown): ImplReference[] {
  if (!isRecord(config)) return [];
  const found: ImplReference[] = [];
  for (const key of ['runtime', 'store', 'events']) found.push(...slotImpls(config[key], [key]));
  for (const [name, model] of Object.entries(isRecord(config.models) ? config.models : {})) {
    found.push(...slotImpls(model, ['models', name]));
  }
  for (const [name, agent] of Object.entries(isRecord(config.agents) ? config.agents : {})) {
    if (!isRecord(agent)) continue;
    for (const slot of AGENT_SLOTS) found.push(...slotImpls(agent[slot], ['agents', name, slot]));
    const hooks = isRecord(agent.hooks) ? agent.hooks : {};
    for (const phase of ['before', 'after']) {
      const list = hooks[phase];
      if (!Array.isArray(list)) continue;
      list.forEach((impl, index) => {
        if (typeof impl === 'string') found.push({ impl, path: ['agents', name, 'hooks', phase, index] });
      });
    }
  }
  return found;
}

function schemeProblem(scheme: string): ImplProblem {
  if (scheme === 'http' || scheme === 'https') {
    return {
      message: 'remote code is never loaded',
      hint: 'download the plugin into the project or install it as a package',
    };
  }
  if (scheme === 'data') {
    return { message: 'inline code is never loaded', hint: 'put the plugin in a file beside the config' };
  }
  if (scheme === 'node') {
    return {
      message: 'Node builtins are not plugins',
      hint: 'point at a module that exports a plugin definition',
    };
  }
  if (scheme === 'file') {
    return {
      message: 'file: URLs are not accepted',
      hint: 'use a path relative to the config file, e.g. "./plugins/x.ts"',
    };
  }
  return {
    message: `"${scheme}:" specifiers are not accepted`,
    hint: 'use a package name or a path relative to the config file',
  };
}

function inside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

/**
 * Why `run` would refuse `impl` (resolved against `baseDir`, the directory of the config file), or
 * `undefined` when it passes the refusals. A file that does not exist yet is not a refusal here:
 * `agentry validate --load` reports it.
 */
export function implProblem(impl: string, baseDir: string): ImplProblem | undefined {
  let specifier: string;
  try {
    specifier = parseImplSpecifier(impl).specifier;
  } catch (error) {
    if (!isAgentryError(error)) throw error;
    return { message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  const refused = (problem: ImplProblem): ImplProblem => ({
    ...problem,
    message: `impl "${impl}" is refused: ${problem.message}`,
  });
  const scheme = SCHEME.exec(specifier)?.[1]?.toLowerCase();
  if (scheme !== undefined) return refused(schemeProblem(scheme));
  if (specifier === '@agentry/core') return undefined;
  if (
    path.isAbsolute(specifier) ||
    specifier === '.' ||
    specifier === '..' ||
    /^\.\.?[\\/]/.test(specifier)
  ) {
    const root = path.resolve(baseDir);
    const target = path.resolve(baseDir, specifier);
    const outside = refused({
      message: `it leaves the project root ${root}`,
      hint: 'keep plugin files inside the directory of the config file, or install them as a package',
    });
    if (!inside(root, target)) return outside;
    if (existsSync(target) && !inside(realpathSync(root), realpathSync(target))) return outside;
    return undefined;
  }
  if (!PACKAGE_NAME.test(specifier) || specifier.split('/').includes('..')) {
    return refused({
      message: 'it is neither a package name nor a relative path',
      hint: 'use a package name ("my-plugins/memory") or a path starting with "./"',
    });
  }
  return undefined;
}

/**
 * Checks every specifier of `loaded` without importing anything.
 *
 * @throws ConfigError `plugin.impl_refused` listing each refused specifier with its file:line:col.
 */
export function checkImpls(loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'locate'>): void {
  const issues: ConfigIssue[] = [];
  for (const reference of implReferences(loaded.config)) {
    const problem = implProblem(reference.impl, loaded.baseDir);
    if (problem === undefined) continue;
    const location = loaded.locate(reference.path);
    issues.push({
      message: problem.message,
      path: reference.path,
      code: 'plugin.impl_refused',
      ...(location === undefined ? {} : { location }),
      ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    });
  }
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new ConfigError('plugin.impl_refused', {
    message: `${issues.length === 1 ? '1 impl is' : `${issues.length} impls are`} refused (nothing was imported)`,
    hint: 'point impl at a package name or a file inside the directory of the config file',
    issues,
    context: { ...(first.location === undefined ? {} : { location: first.location }) },
  });
}
