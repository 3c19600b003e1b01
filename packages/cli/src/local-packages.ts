/** Finds the Agentry packages this CLI runs from, so `init` can link a project to a local checkout. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of the nearest package.json above `file` whose name is `name`, if any. */
export function packageDirOf(file: string, name: string): string | undefined {
  let directory = path.dirname(file);
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name)
          return directory;
      } catch {
        // An unreadable manifest is not the one we look for: keep walking up.
      }
    }
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Whether a directory lies inside a `node_modules` folder (installed from a registry). */
export function isInstalled(directory: string): boolean {
  return directory.split(path.sep).includes('node_modules');
}

function resolvedDir(specifier: string, name: string): string | undefined {
  try {
    return packageDirOf(fileURLToPath(import.meta.resolve(specifier)), name);
  } catch {
    return undefined;
  }
}

/**
 * The package dirs `init` links a new project to (`@agentry/cli`, `@agentry/core`, `@agentry/plugins`,
 * `zod`), or `undefined` when this CLI was installed from a registry (then version ranges are used).
 */
export function localPackageDirs(): Record<string, string> | undefined {
  const cli = packageDirOf(fileURLToPath(import.meta.url), '@agentry/cli');
  if (cli === undefined || isInstalled(cli)) return undefined;
  const found: Record<string, string | undefined> = {
    '@agentry/cli': cli,
    '@agentry/core': resolvedDir('@agentry/core', '@agentry/core'),
    '@agentry/plugins': resolvedDir('@agentry/plugins/tool', '@agentry/plugins'),
    zod: resolvedDir('zod', 'zod'),
  };
  const dirs: Record<string, string> = {};
  for (const [name, directory] of Object.entries(found)) {
    if (directory === undefined) return undefined;
    dirs[name] = directory;
  }
  return dirs;
}
