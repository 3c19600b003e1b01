/**
 * Confinement at the moment of access. `confinePath` checks a path before it is used; a symlink swapped in
 * between that check and the `open` would still lead out of the root. Here every file and directory is opened
 * first (with O_NOFOLLOW), then the opened descriptor's real path is read back and must lie inside the root;
 * children of a verified directory are reached through the descriptor itself (`/proc/self/fd/N/<name>` on
 * Linux), so a later swap of a path component cannot redirect them.
 */
import { constants, existsSync } from 'node:fs';
import { type FileHandle, mkdir, open, readlink, realpath, stat } from 'node:fs/promises';
import { deny, isInside } from './path-guard.js';

const FD_DIR = '/proc/self/fd';
/** Linux (and anything with a `/proc/self/fd` of magic links); elsewhere a dev/inode comparison stands in. */
const HAS_PROC_FD = existsSync(FD_DIR);

/** Who asks, for error messages: the tool's name and the path as the model gave it. */
export interface Asker {
  readonly tool: string;
  readonly shown: string;
}

/**
 * The real path of an open descriptor. Linux reads the `/proc/self/fd` link, which names the object the
 * descriptor holds, wherever it now sits. Elsewhere the path is realpath'd and must still name the same
 * object (device and inode), else the call is refused.
 */
async function descriptorPath(handle: FileHandle, opened: string, asker: Asker): Promise<string> {
  if (HAS_PROC_FD) return readlink(`${FD_DIR}/${handle.fd}`);
  const [real, held] = await Promise.all([realpath(opened), handle.stat()]);
  const named = await stat(real);
  if (named.dev !== held.dev || named.ino !== held.ino) {
    throw deny(asker.tool, asker.shown, 'it was replaced while being opened');
  }
  return real;
}

/**
 * Opens `absolute` (never following a final symlink) and checks that what was opened lies inside `root`;
 * otherwise closes it and refuses the call with `tool.policy_denied`.
 *
 * @param root real path of the root
 * @param flags `open` flags; O_NOFOLLOW is always added
 */
export async function openConfined(
  root: string,
  absolute: string,
  flags: number,
  asker: Asker,
  mode?: number,
): Promise<FileHandle> {
  const handle = await open(absolute, flags | constants.O_NOFOLLOW, mode);
  try {
    const real = await descriptorPath(handle, absolute, asker);
    if (!isInside(root, real)) {
      throw deny(
        asker.tool,
        asker.shown,
        'it was moved or linked outside the allowed root while being opened',
      );
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A directory opened and verified inside the root; its children are named through the open descriptor. */
export class ConfinedDirectory {
  private constructor(
    private readonly root: string,
    private readonly handle: FileHandle,
    private readonly opened: string,
    private readonly asker: Asker,
  ) {}

  /**
   * Opens the directory at `absolute` and verifies it lies inside `root`.
   *
   * @throws ToolError `tool.policy_denied` when it does not; the file system's error (ENOTDIR, ENOENT, ELOOP
   *   for a symlink) when it cannot be opened as a directory
   */
  static async open(root: string, absolute: string, asker: Asker): Promise<ConfinedDirectory> {
    const handle = await openConfined(root, absolute, constants.O_RDONLY | constants.O_DIRECTORY, asker);
    return new ConfinedDirectory(root, handle, absolute, asker);
  }

  /** A path that reaches this very directory (not whatever its name points at now). */
  get path(): string {
    return HAS_PROC_FD ? `${FD_DIR}/${this.handle.fd}` : this.opened;
  }

  /** A path to the entry `name` of this directory, resolved through the open descriptor. */
  child(name: string): string {
    return `${this.path}/${name}`;
  }

  /** Opens the sub-directory `name` (not through a symlink) and verifies it. */
  openChild(name: string, shown: string): Promise<ConfinedDirectory> {
    return ConfinedDirectory.open(this.root, this.child(name), { tool: this.asker.tool, shown });
  }

  /** Checks again that the directory is still inside the root (it may have been moved since it was opened). */
  async verify(): Promise<void> {
    const real = await descriptorPath(this.handle, this.opened, this.asker);
    if (!isInside(this.root, real)) {
      throw deny(this.asker.tool, this.asker.shown, 'its directory was moved outside the allowed root');
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Runs `use` with the directory at `absolute` opened and verified, and closes it afterwards. */
export async function withConfinedDirectory<T>(
  root: string,
  absolute: string,
  asker: Asker,
  use: (directory: ConfinedDirectory) => Promise<T>,
): Promise<T> {
  const directory = await ConfinedDirectory.open(root, absolute, asker);
  try {
    return await use(directory);
  } finally {
    await directory.close();
  }
}

/**
 * Opens the directory `relative` (real, `/`-separated, inside `root`) one component at a time from the root,
 * each opened through its verified parent, never through a symlink. With `create`, missing components are
 * made inside their verified parent.
 */
export async function openDirectoryInRoot(
  root: string,
  relative: string,
  create: boolean,
  asker: Asker,
): Promise<ConfinedDirectory> {
  let directory = await ConfinedDirectory.open(root, root, asker);
  for (const segment of relative.split('/').filter((part) => part !== '' && part !== '.')) {
    try {
      let next: ConfinedDirectory;
      try {
        next = await directory.openChild(segment, asker.shown);
      } catch (error) {
        if (!create || (error as { code?: string }).code !== 'ENOENT') throw error;
        await mkdir(directory.child(segment)).catch((made: { code?: string }) => {
          if (made.code !== 'EEXIST') throw made;
        });
        next = await directory.openChild(segment, asker.shown);
      }
      await directory.close();
      directory = next;
    } catch (error) {
      await directory.close();
      throw error;
    }
  }
  return directory;
}
