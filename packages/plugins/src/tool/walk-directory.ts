/** Walks a directory tree inside a root without following symlinks, with an entry limit and abort checks. */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** One entry found by `walkDirectory`. */
export interface WalkEntry {
  /** Path relative to the root, `/` separators. */
  readonly relative: string;
  readonly absolute: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
}

/** Options of `walkDirectory`. */
export interface WalkOptions {
  readonly root: string;
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
 * Yields the entries below `start` in sorted, depth-first order. Symlinks are reported, never followed, so a
 * walk cannot leave the root. Throws the signal's reason when aborted.
 */
export async function* walkDirectory(
  start: string,
  options: WalkOptions,
  depth = 0,
): AsyncGenerator<WalkEntry> {
  options.signal.throwIfAborted();
  const entries = await readdir(start, { withFileTypes: true });
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = path.join(start, entry.name);
    const relative = path.relative(options.root, absolute).split(path.sep).join('/');
    const type = typeOf(entry);
    yield { relative, absolute, type };
    if (type === 'directory' && options.recursive && depth + 1 < options.maxDepth) {
      yield* walkDirectory(absolute, options, depth + 1);
    }
  }
}
