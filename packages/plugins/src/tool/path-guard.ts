/** Confines model-supplied paths to a root directory: lexical checks, then realpath checks that follow symlinks. */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, ToolError } from '@agentry/core';

/** A path inside the root, after every symlink on the way was resolved. */
export interface ConfinedPath {
  /** Real absolute path (symlinks resolved as far as the path exists). */
  readonly absolute: string;
  /** The same path relative to the root, with `/` separators (`.` for the root itself). */
  readonly relative: string;
  /** True when the full path exists. */
  readonly exists: boolean;
}

const PERCENT_ENCODED = /%[0-9a-f]{2}/i;

/** Resolves a configured root against `baseDir` and returns its real path; a missing root is a config error. */
export async function resolveRoot(root: string, baseDir: string, plugin: string): Promise<string> {
  const absolute = path.resolve(baseDir, root);
  try {
    return await realpath(absolute);
  } catch (error) {
    throw new ConfigError('config.invalid', {
      message: `${plugin}: root "${root}" (resolved to ${absolute}) does not exist`,
      hint: 'Create the directory or point `root` at an existing one (relative paths resolve against the config file).',
      cause: error,
      context: { plugin },
    });
  }
}

/** True when `candidate` is `root` itself or lies below it (a sibling like `/x/root-evil` is not inside `/x/root`). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The `tool.policy_denied` error for a refused path, with the reason and how to fix the call. */
export function deny(tool: string, requested: string, reason: string): ToolError {
  return new ToolError('tool.policy_denied', {
    message: `${tool}: path "${requested.replaceAll('\0', '\\0')}" refused: ${reason}`,
    hint: 'Use a relative path inside the allowed root, with "/" separators and no "..", "~", "%xx" or NUL.',
    context: { tool },
  });
}

/** Lexical checks that need no file system: NUL, backslashes, percent-encoding, `..`, `~`. */
export function checkPathSyntax(requested: string, tool: string): void {
  if (typeof requested !== 'string') throw deny(tool, String(requested), 'the path must be a string');
  if (requested.includes('\0')) throw deny(tool, requested, 'it contains a NUL byte');
  if (requested.includes('\\')) throw deny(tool, requested, 'backslashes are not path separators here');
  if (PERCENT_ENCODED.test(requested))
    throw deny(tool, requested, 'percent-encoded sequences are not decoded');
  if (requested.length > 4096) throw deny(tool, requested, 'it is longer than 4096 characters');
  const segments = requested.split('/');
  if (segments.includes('..')) throw deny(tool, requested, '".." segments are not allowed');
  if (segments[0] === '~' || segments[0]?.startsWith('~')) throw deny(tool, requested, '"~" is not expanded');
}

/**
 * Resolves `requested` (relative to `root`, or absolute inside it) to a real path inside `root`.
 * Existing paths are realpath'd (so a symlink that leads out is refused); for a path that does not exist yet,
 * the nearest existing ancestor is realpath'd. Dangling symlinks are refused.
 *
 * @param root real path of the root (from `resolveRoot`)
 * @throws ToolError `tool.policy_denied` when the path escapes the root or is malformed
 */
export async function confinePath(root: string, requested: string, tool: string): Promise<ConfinedPath> {
  checkPathSyntax(requested, tool);
  const lexical = path.resolve(root, requested === '' ? '.' : requested);
  if (!isInside(root, lexical)) throw deny(tool, requested, `it is outside the allowed root ${root}`);

  let existing = lexical;
  const missing: string[] = [];
  for (;;) {
    const real = await realpathIfExists(existing);
    if (real === null) throw deny(tool, requested, 'it goes through a symlink loop');
    if (real !== undefined) {
      if (!isInside(root, real)) {
        throw deny(tool, requested, 'it resolves (through a symlink) to a place outside the allowed root');
      }
      const absolute = path.join(real, ...missing);
      const relative = path.relative(root, absolute).split(path.sep).join('/') || '.';
      return { absolute, relative, exists: missing.length === 0 };
    }
    if (await isLink(existing))
      throw deny(tool, requested, 'it goes through a symlink whose target is missing');
    if (existing === root) throw deny(tool, requested, 'the allowed root no longer exists');
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
}

/** Real path, `undefined` when missing, `null` for a symlink loop. */
async function realpathIfExists(candidate: string): Promise<string | undefined | null> {
  try {
    return await realpath(candidate);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') return null;
    throw error;
  }
}

async function isLink(candidate: string): Promise<boolean> {
  try {
    return (await lstat(candidate)).isSymbolicLink();
  } catch {
    return false;
  }
}
