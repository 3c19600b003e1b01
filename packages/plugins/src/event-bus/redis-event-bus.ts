/** `redis` event bus: cross-process pub/sub over Redis, delivering each run's events in `seq` order. */
import { randomUUID } from 'node:crypto';
import {
  type AnyAgentryEvent,
  definePlugin,
  type EventBus,
  type EventHandler,
  type EventType,
  type Logger,
  MittEventBus,
  PluginError,
  type Unsubscribe,
} from '@agentry/core';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { describeUrl, registerUrlSecret } from '../store/connection-url.js';
import { SeqOrderer } from './seq-orderer.js';

const configSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .describe('Redis URL, e.g. redis://127.0.0.1:6379 (its password is redacted from every output)'),
    channel: z.string().min(1).default('agentry:events').describe('Pub/sub channel shared by every process'),
    gapTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('How long to hold later events while an earlier seq of the same run is missing'),
  })
  .strict()
  .describe('Cross-process event bus over Redis pub/sub');

/** Options of `RedisEventBus.connect(...)`. */
export interface RedisEventBusOptions {
  url: string;
  channel?: string;
  gapTimeoutMs?: number;
  logger?: Logger;
}

interface Envelope {
  origin: string;
  event: AnyAgentryEvent;
}

/**
 * Publishes every event to a Redis channel and delivers events from every
 * process to local subscribers. Local subscribers get local events at once
 * (through an isolating in-process bus, so a failing handler never breaks
 * `publish`); remote events go through a per-run reorder buffer: an event
 * whose earlier `seq` has not arrived yet is held, and delivered as soon as
 * the gap fills, or after `gapTimeoutMs` (then the missing seqs are logged
 * and skipped). Two connections are used: one publishes, one subscribes.
 *
 * Create it with `await RedisEventBus.connect(options)`: it resolves once the
 * subscription is active, so no event published afterwards is missed.
 */
export class RedisEventBus implements EventBus {
  static readonly plugin = definePlugin({
    kind: 'event-bus',
    name: 'redis',
    description: 'Cross-process event bus over Redis pub/sub (per-run seq order)',
    configSchema,
    create: (config, deps) => {
      registerUrlSecret(config.url, deps);
      return RedisEventBus.connect({ ...config, logger: deps.logger });
    },
  });

  readonly kind = 'event-bus' as const;
  readonly specVersion = 1 as const;
  readonly name = 'redis';
  /** Identifies this bus in messages, so its own events are not delivered twice. */
  readonly origin = randomUUID();
  readonly channel: string;
  readonly #local: MittEventBus;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #orderer: SeqOrderer;
  readonly #logger: Logger | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  private constructor(options: RedisEventBusOptions, publisher: Redis, subscriber: Redis) {
    this.channel = options.channel ?? 'agentry:events';
    this.#logger = options.logger;
    this.#local = new MittEventBus(options.logger === undefined ? {} : { logger: options.logger });
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#orderer = new SeqOrderer({
      gapTimeoutMs: options.gapTimeoutMs ?? 1000,
      deliver: (event) => this.#deliver(event),
      onGap: (runId, missing) =>
        this.#warn(`Redis event bus skipped missing events of run ${runId}: seq ${missing.join(', ')}`),
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.#receive(message);
    });
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error: Error) =>
        this.#warn(`Redis event bus connection error: ${error.message}`),
      );
    }
  }

  /** Connects both connections and subscribes; rejects with `plugin.create_failed` when Redis is unreachable. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    const settings = { lazyConnect: true, maxRetriesPerRequest: 2 } as const;
    const publisher = new Redis(options.url, settings);
    const subscriber = new Redis(options.url, settings);
    // Errors before `connect` resolves are reported through its rejection.
    const silence = () => {};
    publisher.on('error', silence);
    subscriber.on('error', silence);
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      const bus = new RedisEventBus(options, publisher, subscriber);
      await subscriber.subscribe(bus.channel);
      publisher.off('error', silence);
      subscriber.off('error', silence);
      return bus;
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new PluginError('plugin.create_failed', {
        message: `Redis event bus cannot connect to ${describeUrl(options.url)}: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'Check that Redis is running and that the `url` of the redis event bus is right.',
        context: { plugin: 'redis' },
        cause: error,
      });
    }
  }

  /** Delivers to local subscribers and publishes to every other process; resolves once local handlers settled. */
  async publish(event: AnyAgentryEvent): Promise<void> {
    if (this.#closed) return;
    const payload = JSON.stringify({ origin: this.origin, event } satisfies Envelope);
    const sent = this.#publisher.publish(this.channel, payload).then(
      () => undefined,
      (error: unknown) =>
        this.#warn(
          `Redis event bus could not publish "${event.type}": ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
    await Promise.all([this.#local.publish(event), sent]);
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): Unsubscribe {
    return this.#local.on(type, handler);
  }

  onAny(handler: (event: AnyAgentryEvent) => void | Promise<void>): Unsubscribe {
    return this.#local.onAny(handler);
  }

  /** Unsubscribes, waits for deliveries in progress, closes both connections. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#orderer.clear();
    try {
      await this.#subscriber.unsubscribe(this.channel);
    } catch {
      // Closing anyway.
    }
    await Promise.allSettled([...this.#inFlight]);
    await this.#local.close();
    await Promise.allSettled([this.#subscriber.quit(), this.#publisher.quit()]);
  }

  #receive(message: string): void {
    if (this.#closed) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.#warn('Redis event bus ignored a message that is not JSON');
      return;
    }
    const event = envelope?.event;
    if (typeof event?.runId !== 'string' || typeof event.seq !== 'number' || typeof event.type !== 'string') {
      this.#warn('Redis event bus ignored a message that is not an Agentry event');
      return;
    }
    if (envelope.origin === this.origin) {
      // Our own event: local subscribers already have it; only advance the run's position.
      this.#orderer.skipTo(event.runId, event.seq, event.type);
      return;
    }
    this.#orderer.push(event);
  }

  #deliver(event: AnyAgentryEvent): void {
    const delivery = this.#local.publish(event);
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }

  #warn(message: string): void {
    try {
      this.#logger?.warn(message);
    } catch {
      // A broken logger must not break the bus.
    }
  }
}
