/** `RedisStore` (builtin `redis`): a shared Redis via @keyv/redis, leases by Lua scripts, fail-fast when Redis is down. */
import { definePlugin, type Lease, type StoreFence } from '@agentry/core';
import {
  KeyvStore,
  type KeyvStoreConnection,
  type LeaseBackend,
  type RawCondition,
  type RawEntry,
} from '@agentry/core/plugin';
import KeyvRedis from '@keyv/redis';
import { z } from 'zod';
import { describeUrl, registerUrlSecret, resolveUrl } from './connection-url.js';

/** Options of `new RedisStore()`. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Prepended to every key this store writes. Default `agentry:`. */
  prefix?: string;
  /** How long connecting may take before operations fail. Default 3000 ms. */
  connectTimeoutMs?: number;
}

/** The few node-redis client methods this store uses (reached through the keyv adapter's `client`). */
interface RedisCommands {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

// KEYS[1] lease hash {owner, token}, KEYS[2] token counter; ARGV owner, ttl.
const ACQUIRE = `local owner = redis.call('HGET', KEYS[1], 'owner')
local token
if owner then
  if owner ~= ARGV[1] then return false end
  token = tonumber(redis.call('HGET', KEYS[1], 'token'))
else
  token = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return token`;
// ARGV owner, token, ttl.
const RENEW = `if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;
// ARGV owner, token.
const RELEASE = `if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0`;
const READ = `local holder = redis.call('HMGET', KEYS[1], 'owner', 'token')
if not holder[1] then return false end
return {holder[1], holder[2], redis.call('PTTL', KEYS[1])}`;

// KEYS[1] lease hash, KEYS[2..] entries; ARGV[1] token, then per entry its serialised value and PX ('0': none).
const FENCED_WRITE = `if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
for index = 2, #KEYS do
  local ttl = tonumber(ARGV[2 * index - 1])
  if ttl > 0 then
    redis.call('SET', KEYS[index], ARGV[2 * index - 2], 'PX', ttl)
  else
    redis.call('SET', KEYS[index], ARGV[2 * index - 2])
  end
end
return 1`;

// KEYS[1] fence lease hash, KEYS[2] unleased lease hash, KEYS[3..] entries; ARGV[1] fence token ('' for none),
// ARGV[2] '1' when KEYS[2] must be free, ARGV[3] index in KEYS of the compared entry (0: none), ARGV[4] its
// expected value ('' with ARGV[5] '0': absent), ARGV[6] '1' to give the fence's lease up, then per entry
// its serialised value and PX ('0': none).
const WRITE_IF = `if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'fenced' end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return 'unmet' end
local compared = tonumber(ARGV[3])
if compared > 0 then
  local current = redis.call('GET', KEYS[compared])
  if ARGV[5] == '0' then
    if current then return 'unmet' end
  elseif current ~= ARGV[4] then return 'unmet' end
end
for index = 3, #KEYS do
  local ttl = tonumber(ARGV[2 * index + 2])
  if ttl > 0 then
    redis.call('SET', KEYS[index], ARGV[2 * index + 1], 'PX', ttl)
  else
    redis.call('SET', KEYS[index], ARGV[2 * index + 1])
  end
end
if ARGV[6] == '1' then redis.call('DEL', KEYS[1]) end
return 'written'`;

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** Leases as Redis hashes with PEXPIRE; each operation is one Lua script, so it is atomic across processes. */
class RedisLeases implements LeaseBackend {
  constructor(
    private readonly client: RedisCommands,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined> {
    const token = await this.script(ACQUIRE, name, [owner, String(ttlMs)], true);
    return token === null ? undefined : { name, owner, token: Number(token), expiresAt: now + ttlMs };
  }

  async renew(lease: Lease, ttlMs: number, now: number): Promise<Lease | undefined> {
    const renewed = await this.script(RENEW, lease.name, [lease.owner, String(lease.token), String(ttlMs)]);
    return Number(renewed) === 1 ? { ...lease, expiresAt: now + ttlMs } : undefined;
  }

  async release(lease: Lease): Promise<void> {
    await this.script(RELEASE, lease.name, [lease.owner, String(lease.token)]);
  }

  async read(name: string, now: number): Promise<Lease | undefined> {
    const holder = (await this.script(READ, name, [])) as [string, string, number] | null;
    // PTTL 0: the last millisecond of the lease, still held for ACQUIRE (-1/-2 cannot happen for a lease hash).
    if (holder === null || Number(holder[2]) < 0) return undefined;
    return { name, owner: holder[0], token: Number(holder[1]), expiresAt: now + Number(holder[2]) };
  }

  /** Writes raw entries in one Lua script, only while the lease hash carries the token (it expires with the lease). */
  async fencedWrite(fence: StoreFence, entries: readonly RawEntry[], now: number): Promise<boolean> {
    const keys = [this.leaseKey(fence.lease), ...entries.map((entry) => entry.key)];
    const args = [String(fence.token)];
    for (const entry of entries) {
      args.push(entry.entry, String(entry.expiresAt === undefined ? 0 : Math.max(1, entry.expiresAt - now)));
    }
    const applied = await this.client.sendCommand([
      'EVAL',
      FENCED_WRITE,
      String(keys.length),
      ...keys,
      ...args,
    ]);
    return Number(applied) === 1;
  }

  /** `writeIf` in one Lua script: the conditions, the writes and the release, atomic in Redis. */
  async writeIf(
    entries: readonly RawEntry[],
    condition: RawCondition,
    now: number,
  ): Promise<'written' | 'unmet' | 'fenced'> {
    const { fence, unleased, expect, releaseFence } = condition;
    const keys = [
      this.leaseKey(fence?.lease ?? ''),
      this.leaseKey(unleased ?? ''),
      ...entries.map((entry) => entry.key),
    ];
    const compared = expect === undefined ? 0 : keys.indexOf(expect.key, 2) + 1;
    const args = [
      fence === undefined ? '' : String(fence.token),
      unleased === undefined ? '0' : '1',
      String(compared),
      expect?.entry ?? '',
      expect?.entry === undefined ? '0' : '1',
      fence !== undefined && releaseFence === true ? '1' : '0',
    ];
    for (const entry of entries) {
      args.push(entry.entry, String(entry.expiresAt === undefined ? 0 : Math.max(1, entry.expiresAt - now)));
    }
    const outcome = await this.client.sendCommand(['EVAL', WRITE_IF, String(keys.length), ...keys, ...args]);
    return outcome === 'written' || outcome === 'fenced' ? outcome : 'unmet';
  }

  private leaseKey(name: string): string {
    return `${this.prefix}%leases:${encodeURIComponent(name)}`;
  }

  private script(source: string, name: string, args: string[], withCounter = false): Promise<unknown> {
    const keys = [this.leaseKey(name)];
    if (withCounter) keys.push(`${this.prefix}%tokens:${encodeURIComponent(name)}`);
    return this.client.sendCommand(['EVAL', source, String(keys.length), ...keys, ...args]);
  }
}

/**
 * A store on a shared Redis (keys `<prefix><namespace>:<key>`, values as
 * keyv JSON envelopes, TTL by PX). One node-redis client per store, created by
 * the keyv adapter with a connect timeout and no offline queue: while Redis
 * is down every operation fails at once with a retryable `store.unavailable`
 * and the client reconnects in the background. Leases use Lua scripts on
 * that client, with a per-name token counter that survives release.
 */
export class RedisStore extends KeyvStore {
  /** Plugin definition: `{ type: redis, config: { url, prefix } }`; the url falls back to REDIS_URL. */
  static readonly plugin = definePlugin({
    kind: 'store',
    name: 'redis',
    description: 'Shared Redis store (@keyv/redis); leases work across processes and machines',
    configSchema: z
      .object({
        url: z
          .string()
          .min(1)
          .optional()
          .describe('redis://host:port[/db]; defaults to the REDIS_URL variable'),
        prefix: z.string().optional().describe('Prepended to every key (default agentry:)'),
      })
      .strict(),
    create: (config, deps) => {
      const url = resolveUrl('redis', config.url, 'REDIS_URL');
      registerUrlSecret(url, deps);
      return new RedisStore({ url, ...(config.prefix === undefined ? {} : { prefix: config.prefix }) });
    },
  });

  private readonly url: string;
  private readonly prefix: string;
  private readonly connectTimeoutMs: number;

  constructor(options: RedisStoreOptions) {
    const where = describeUrl(options.url);
    const prefix = options.prefix ?? 'agentry:';
    super({
      name: 'redis',
      target: `Redis at ${where}`,
      hint: `Is a Redis server running and reachable at ${where}? Check the url (or REDIS_URL), the port and any password.`,
      keyPrefix: prefix,
    });
    this.url = options.url;
    this.prefix = prefix;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
  }

  protected async connect(): Promise<KeyvStoreConnection> {
    let ready = false;
    const adapter = new KeyvRedis(
      {
        url: this.url,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: this.connectTimeoutMs,
          // Fail the first connection at once; once connected, keep reconnecting in the background.
          reconnectStrategy: (retries: number, cause: Error) =>
            ready ? Math.min(50 * 2 ** retries, 2_000) : cause,
        },
      },
      { throwOnConnectError: true, throwOnErrors: true },
    );
    adapter.on('error', () => {
      // Failures surface as rejected operations.
    });
    const client = adapter.client as unknown as RedisCommands;
    try {
      await client.connect();
      ready = true;
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw error;
    }
    const leases = new RedisLeases(client, this.prefix);
    return {
      adapter,
      leases,
      fencedWrite: (fence, entries, options) => leases.fencedWrite(fence, entries, options.now),
      writeIf: (entries, condition, options) => leases.writeIf(entries, condition, options.now),
      // One atomic MSET (a batch has no TTLs).
      writeMany: async (entries) => {
        await client.sendCommand(['MSET', ...entries.flatMap(({ key, entry }) => [key, entry])]);
      },
      async *listRaw(prefix: string) {
        let cursor = '0';
        do {
          const [next, keys] = (await client.sendCommand([
            'SCAN',
            cursor,
            'MATCH',
            `${escapeGlob(prefix)}*`,
            'COUNT',
            '1000',
          ])) as [string, string[]];
          cursor = String(next);
          if (keys.length === 0) continue;
          const values = (await client.sendCommand(['MGET', ...keys])) as (string | null)[];
          for (const [index, key] of keys.entries()) yield [key, values[index] ?? undefined] as const;
        } while (cursor !== '0');
      },
      close: async () => {
        if (!client.isOpen) return;
        if (client.isReady) await client.close();
        else client.destroy();
      },
    };
  }
}
