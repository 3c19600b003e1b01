/** Implementation specifiers (`<specifier>#<export>`): parsing, the refusals that run before any import, and resolution. */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PluginError } from '../errors/agentry-error.js';

/** A parsed `impl`: what to import and which export to take. */
export interface ImplSpecifier {
  /** Package name (with subpath) or a path relative to the config file. */
  specifier: string;
  /** Export name; `default` when the impl has no `#`. */
  exportName: string;
}

/** Where a specifier resolved to. */
export type ResolvedImpl = { type: 'core' } | { type: 'file'; file: string };

/** Export names that could reach prototypes or make a module look like a promise. */
export const RESERVED_EXPORTS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'then',
]);

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:\/[A-Za-z0-9._~@-]+)*$/;
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TRY_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'];

function refuse(impl: string, why: string, hint: string): PluginError {
  return new PluginError('plugin.impl_refused', { message: `impl "${impl}" is refused: ${why}`, hint });
}

/**
 * Splits `impl` at its last `#` (`./tools.ts#sendEmail`, `@agentry/plugins/memory#WindowMemory`).
 * The export defaults to `default`. Reserved export names are refused.
 *
 * @throws PluginError `plugin.impl_refused` for an empty specifier or a reserved/invalid export name.
 */
export function parseImplSpecifier(impl: string): ImplSpecifier {
  const hash = impl.lastIndexOf('#');
  const specifier = (hash === -1 ? impl : impl.slice(0, hash)).trim();
  const exportName = hash === -1 ? 'default' : impl.slice(hash + 1).trim();
  if (specifier === '') {
    throw refuse(
      impl,
      'it names no module',
      'write "<package or ./path>#<export>", e.g. "./my-memory.ts#MyMemory"',
    );
  }
  if (RESERVED_EXPORTS.has(exportName)) {
    throw refuse(
      impl,
      `"${exportName}" is a reserved name`,
      'export the plugin under an ordinary name and use that',
    );
  }
  if (!EXPORT_NAME.test(exportName)) {
    throw refuse(impl, `"${exportName}" is not an export name`, 'use a JavaScript identifier after "#"');
  }
  return { specifier, exportName };
}

/** Options of `resolveImpl`. */
export interface ResolveImplOptions {
  /** Directory of the config file; relative specifiers resolve against it. */
  baseDir: string;
  /** Files must stay inside it (after symlinks are followed). Default `baseDir`. */
  projectRoot?: string;
  /** Extra directories to resolve packages from when `baseDir` cannot (builtins only). */
  fallbackDirs?: readonly string[];
}

/**
 * Resolves a specifier without importing anything. URLs, `data:`, `node:` and
 * `file:` specifiers, and paths that leave the project root (also through
 * symlinks) are refused. `@agentry/core` is this copy of core.
 *
 * @throws PluginError `plugin.impl_refused` or `plugin.not_found`.
 */
export function resolveImpl(impl: string, specifier: string, options: ResolveImplOptions): ResolvedImpl {
  const scheme = SCHEME.exec(specifier)?.[1]?.toLowerCase();
  if (scheme !== undefined) throw refuseScheme(impl, scheme);
  if (specifier === '@agentry/core') return { type: 'core' };
  if (isAbsolute(specifier) || specifier === '.' || specifier === '..' || /^\.\.?[\\/]/.test(specifier)) {
    return { type: 'file', file: resolveFile(impl, specifier, options) };
  }
  if (!PACKAGE_NAME.test(specifier) || specifier.split('/').includes('..')) {
    throw refuse(
      impl,
      'it is neither a package name nor a relative path',
      'use a package name ("my-plugins/memory") or a path starting with "./"',
    );
  }
  return { type: 'file', file: resolvePackage(impl, specifier, options) };
}

function refuseScheme(impl: string, scheme: string): PluginError {
  if (scheme === 'http' || scheme === 'https') {
    return refuse(
      impl,
      'remote code is never loaded',
      'download the plugin into the project or install it as a package',
    );
  }
  if (scheme === 'data')
    return refuse(impl, 'inline code is never loaded', 'put the plugin in a file beside the config');
  if (scheme === 'node') {
    return refuse(
      impl,
      'Node builtins are not plugins',
      'point at a module that exports a plugin definition',
    );
  }
  if (scheme === 'file') {
    return refuse(
      impl,
      'file: URLs are not accepted',
      'use a path relative to the config file, e.g. "./plugins/x.ts"',
    );
  }
  return refuse(
    impl,
    `"${scheme}:" specifiers are not accepted`,
    'use a package name or a path relative to the config file',
  );
}

function inside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path));
}

function resolveFile(impl: string, specifier: string, options: ResolveImplOptions): string {
  const root = resolve(options.projectRoot ?? options.baseDir);
  const target = resolve(options.baseDir, specifier);
  const outside = refuse(
    impl,
    `it leaves the project root ${root}`,
    'keep plugin files inside the directory of the config file, or install them as a package',
  );
  if (!inside(root, target)) throw outside;
  const file = findFile(target);
  if (file === undefined) {
    throw new PluginError('plugin.not_found', {
      message: `impl "${impl}": file ${target} does not exist`,
      hint: 'paths are relative to the config file; check the spelling and the extension',
    });
  }
  if (!inside(realpathSync(root), realpathSync(file))) throw outside;
  return file;
}

function findFile(target: string): string | undefined {
  const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();
  if (isFile(target)) return target;
  const extension = extname(target);
  if (extension === '.js' || extension === '.mjs') {
    const swapped = `${target.slice(0, -extension.length)}${extension === '.js' ? '.ts' : '.mts'}`;
    if (isFile(swapped)) return swapped;
  }
  return TRY_EXTENSIONS.map((candidate) => `${target}${candidate}`).find(isFile);
}

function resolvePackage(impl: string, specifier: string, options: ResolveImplOptions): string {
  let lastError: unknown;
  for (const directory of [options.baseDir, ...(options.fallbackDirs ?? [])]) {
    const require = createRequire(join(directory, 'noop.js'));
    try {
      return require.resolve(specifier);
    } catch (error) {
      lastError = error;
      const viaImport = resolveImportCondition(require, specifier);
      if (viaImport !== undefined) return viaImport;
    }
  }
  const looksLikeFile = existsSync(resolve(options.baseDir, specifier));
  throw new PluginError('plugin.not_found', {
    message: `impl "${impl}": package "${specifier}" cannot be found from ${options.baseDir}`,
    hint: looksLikeFile
      ? `for the file beside the config, write "./${specifier}"`
      : `install it in the project (npm install ${packageOf(specifier)}) or check the subpath`,
    cause: lastError,
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** For ESM-only packages whose `exports` offer only `import`: read the exports map by hand (exact subpaths). */
function resolveImportCondition(require: NodeJS.Require, specifier: string): string | undefined {
  const name = packageOf(specifier);
  const subpath = `.${specifier.slice(name.length)}`;
  for (const directory of require.resolve.paths(name) ?? []) {
    const manifest = join(directory, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const exportsField = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown }).exports;
    const entry =
      typeof exportsField === 'string' ||
      (isRecord(exportsField) && !Object.keys(exportsField)[0]?.startsWith('.'))
        ? subpath === '.'
          ? exportsField
          : undefined
        : isRecord(exportsField)
          ? exportsField[subpath]
          : undefined;
    const target = pickCondition(entry);
    return target === undefined ? undefined : resolve(dirname(manifest), target);
  }
  return undefined;
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!isRecord(entry)) return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const found = pickCondition(entry[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
