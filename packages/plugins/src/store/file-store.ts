/** `FileStore` (builtin `file`): a pure-JS JSON file store via keyv-file, for one process; writes are atomic renames. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { definePlugin, StoreError } from '@agentry/core';
import { InProcessLeases, KeyvStore, type KeyvStoreConnection, refusedInProcess } from '@agentry/core/plugin';
import { KeyvFile } from 'keyv-file';
import { z } from 'zod';

/** Options of `new FileStore()`. */
export interface FileStoreOptions {
  /** The JSON file; relative paths resolve against the working directory. Its directory is created. */
  path: string;
}

/** The parts of keyv-file 5.3.5 this store relies on (declared private in its typings). */
interface KeyvFileInternals {
  _data: Map<string, { value: unknown; expire?: number | undefined }>;
  _lastExpire: number;
  save(): Promise<void>;
  _getWithExpire(key: string, data: { value: unknown; expire?: number | undefined } | undefined): unknown;
}

/**
 * Writes the adapter's whole map with write-to-temp + rename, coalescing
 * concurrent writes. A write's promise resolves only after a snapshot taken
 * after that write reached the disk (keyv-file's own `save` can resolve with
 * an older snapshot and rewrites the file in place).
 */
class AtomicFileWriter {
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly adapter: KeyvFileInternals,
  ) {}

  save(): Promise<void> {
    this.queued ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.writing = this.write();
        return this.writing;
      });
    return this.queued;
  }

  /** Resolves once every write requested so far is on disk. */
  async flushed(): Promise<void> {
    await (this.queued ?? this.writing);
  }

  private async write(): Promise<void> {
    const text = JSON.stringify({ cache: [...this.adapter._data], lastExpire: this.adapter._lastExpire });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, this.path);
  }
}

/**
 * Keeps every namespace in one JSON file (`keyv-file`), loaded into memory
 * when first used and rewritten on every write. Pure JavaScript, no server,
 * no native module; for ONE process at a time (leases are in-process only,
 * and two processes writing the same file overwrite each other). Prefer
 * `sqlite` for anything else.
 */
export class FileStore extends KeyvStore {
  /** Plugin definition: `{ type: file, config: { path } }`. */
  static readonly plugin = definePlugin({
    kind: 'store',
    name: 'file',
    description: 'Single JSON file (keyv-file), pure JS, one process at a time',
    configSchema: z
      .object({ path: z.string().min(1).describe('JSON file, relative to the config file') })
      .strict(),
    create: (config, deps) => new FileStore({ path: resolve(deps.baseDir, config.path) }),
  });

  /** Absolute path of the file. */
  readonly path: string;

  constructor(options: FileStoreOptions) {
    const path = resolve(options.path);
    super({
      name: 'file',
      target: `file ${path}`,
      hint: `Check that the directory of ${path} exists or can be created and is writable.`,
    });
    this.path = path;
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.checkReadable();
    const adapter = new KeyvFile({ filename: this.path, writeDelay: 0, expiredCheckDelay: 60 * 60 * 1000 });
    adapter.on('error', () => {
      // Failures surface as rejected operations.
    });
    const internals = adapter as unknown as KeyvFileInternals;
    const writer = new AtomicFileWriter(this.path, internals);
    // Replace keyv-file's delayed in-place save with the acknowledged atomic one.
    internals.save = () => writer.save();
    // keyv-file drops the promise of the delete it starts for an expired entry; a failed write would go unhandled.
    internals._getWithExpire = (key, data) => {
      if (data === undefined) return undefined;
      if (typeof data.expire === 'number' && data.expire <= Date.now()) {
        adapter.delete(key).catch(() => undefined);
        return undefined;
      }
      return data.value;
    };
    await writer.save();
    const leases = new InProcessLeases();
    return {
      adapter,
      leases,
      // The lease check and the in-memory update happen in one synchronous stretch; the file follows.
      fencedWrite: async (fence, entries, options) => {
        if (!leases.holds(fence.lease, fence.token, options.now)) return false;
        for (const { key, entry, expiresAt } of entries)
          internals._data.set(key, { value: entry, expire: expiresAt });
        await writer.save();
        return true;
      },
      // As `fencedWrite`, with the conditions checked in the same synchronous stretch.
      writeIf: async (entries, condition, options) => {
        const refused = refusedInProcess(
          leases,
          condition,
          options.now,
          (key) => internals._data.get(key)?.value,
        );
        if (refused !== undefined) return refused;
        for (const { key, entry, expiresAt } of entries)
          internals._data.set(key, { value: entry, expire: expiresAt });
        const { fence, releaseFence } = condition;
        if (fence !== undefined && releaseFence === true) leases.releaseToken(fence.lease, fence.token);
        await writer.save();
        return 'written';
      },
      async *listRaw(prefix: string) {
        for (const key of [...internals._data.keys()]) {
          if (!key.startsWith(prefix)) continue;
          const raw = adapter.getSync<unknown>(key);
          if (raw !== undefined) yield [key, raw] as const;
        }
      },
      close: () => writer.flushed(),
    };
  }

  /** keyv-file silently starts empty on an unreadable file; refuse instead of overwriting the user's data. */
  private async checkReadable(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { cache?: unknown };
      if (Array.isArray(parsed.cache) || (typeof parsed.cache === 'object' && parsed.cache !== null)) return;
    } catch {
      // reported below
    }
    throw new StoreError('store.unavailable', {
      message: `file store: ${this.path} is not a store file written by Agentry (it is not JSON with a "cache" field)`,
      hint: `Move ${this.path} away or point the file store at another path; it was left untouched.`,
      retryable: false,
      context: { plugin: 'file' },
    });
  }
}
