/** Walks a directory tree inside a root without following symlinks, with a depth limit and abort checks. */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { ConfinedDirectory } from './confined-fs.js';

/** One entry found by `walkDirectory`. */
export interface WalkEntry {
  /** Path relative to the root, `/` separators. */
  readonly relative: string;
  /** A path to the entry through its open, verified parent directory; valid until the walk moves on. */
  readonly absolute: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
}

/** Options of `walkDirectory`. */
export interface WalkOptions {
  /** Path of the start directory relative to the root (`.` for the root itself). */
  readonly relative: string;
  readonly recursive: boolean;
  readonly maxDepth: number;
  readonly signal: AbortSignal;
}

function typeOf(entry: Dirent): WalkEntry['type'] {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return 'other';
}

/**
 * Yields the entries below `start` in sorted, depth-first order. Every directory is opened and verified inside
 * the root before it is read, and reached through its parent's descriptor; symlinks are reported, never
 * followed, so a walk cannot leave the root even when a directory is swapped for a symlink meanwhile (such an
 * entry is skipped). Throws the signal's reason when aborted.
 */
export async function* walkDirectory(
  start: ConfinedDirectory,
  options: WalkOptions,
  depth = 0,
): AsyncGenerator<WalkEntry> {
  options.signal.throwIfAborted();
  const entries = await readdir(start.path, { withFileTypes: true });
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const relative = options.relative === '.' ? entry.name : `${options.relative}/${entry.name}`;
    const type = typeOf(entry);
    yield { relative, absolute: start.child(entry.name), type };
    if (type === 'directory' && options.recursive && depth + 1 < options.maxDepth) {
      const child = await start.openChild(entry.name, relative).catch(skipVanished);
      if (!child) continue;
      try {
        yield* walkDirectory(child, { ...options, relative }, depth + 1);
      } finally {
        await child.close();
      }
    }
  }
}

/** A directory that disappeared or became a symlink since it was listed is skipped; other errors propagate. */
function skipVanished(error: { code?: string }): undefined {
  if (error.code === 'ENOENT' || error.code === 'ELOOP' || error.code === 'ENOTDIR') return undefined;
  throw error;
}
