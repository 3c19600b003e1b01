/** `MemoryStore` (builtin `memory`): the `Store` contract over keyv's in-memory Map; nothing outlives the process. */
import { z } from 'zod';
import type { Clock } from '../contracts/services.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { InProcessLeases } from './in-process-leases.js';
import { KeyvStore, type KeyvStoreConnection } from './keyv-store.js';

/** Options of `new MemoryStore()`. */
export interface MemoryStoreOptions {
  /** Time source for lease expiry (entry TTLs use keyv's own `Date.now`). */
  clock?: Clock;
}

/**
 * Keeps everything in one `Map` inside this process. Leases are exclusive
 * within the process only. Good for tests and one-shot runs; use `sqlite`
 * for anything that must survive a restart.
 */
export class MemoryStore extends KeyvStore {
  /** Plugin definition: `store: memory`. Takes no config. */
  static readonly plugin = definePlugin({
    kind: 'store',
    name: 'memory',
    description: 'In-process store (keyv Map); data and leases live as long as the process',
    configSchema: z.object({}).strict(),
    create: (_config, deps) => new MemoryStore({ clock: deps.clock }),
  });

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.clock;
    super({
      name: 'memory',
      target: 'process memory',
      hint: 'The in-memory store cannot become unavailable; if you see this, report it as a bug.',
      operationTimeoutMs: 0,
      ...(clock ? { now: () => clock.now() } : {}),
    });
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    const map = new Map<string, unknown>();
    const leases = new InProcessLeases();
    return {
      adapter: map,
      leases,
      // Check and write in one synchronous stretch: nothing can take the lease in between.
      fencedWrite: async (fence, entries, options) => {
        if (!leases.holds(fence.lease, fence.token, options.now)) return false;
        for (const { key, entry } of entries) map.set(key, entry);
        return true;
      },
      async *listRaw(prefix: string) {
        for (const [key, raw] of map) if (key.startsWith(prefix)) yield [key, raw] as const;
      },
      close: async () => map.clear(),
    };
  }
}
