/** The base of the wrapper buses (ndjson-file, console, otel): record each event, forward it to an inner bus. */
import {
  type AnyAgentryEvent,
  type EventBus,
  type EventHandler,
  type EventType,
  type Logger,
  MittEventBus,
  type PluginDeps,
  type SlotConfig,
  type Unsubscribe,
} from '@agentry/core';
import picomatch from 'picomatch';
import { z } from 'zod';

/** Schema of a nested slot (`inner`): a builtin name, `{ type, config }` or `{ impl, config }`. */
export const innerSlotSchema = z
  .union([
    z.string().min(1),
    z.object({ type: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() }).strict(),
    z.object({ impl: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() }).strict(),
  ])
  .describe('The bus this one forwards to and subscriptions come from (default mitt)');

/** Glob filters on event types (`model.*`, `tool.failed`), matched with picomatch. */
export const eventFilterShape = {
  include: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Only event types matching one of these globs (e.g. `run.*`, `tool.failed`); default every type',
    ),
  exclude: z
    .array(z.string().min(1))
    .optional()
    .describe('Event types matching one of these globs are skipped'),
};

/** Builds a predicate over event types from include/exclude globs. */
export function eventTypeFilter(filter: {
  include?: readonly string[];
  exclude?: readonly string[];
}): (type: string) => boolean {
  const included = filter.include && filter.include.length > 0 ? picomatch([...filter.include]) : undefined;
  const excluded = filter.exclude && filter.exclude.length > 0 ? picomatch([...filter.exclude]) : undefined;
  return (type) => (included === undefined || included(type)) && (excluded === undefined || !excluded(type));
}

/** Loads the inner bus of a wrapper from its config (default `mitt`). */
export function loadInner(deps: PluginDeps, inner: SlotConfig | undefined): Promise<EventBus> {
  return deps.load('event-bus', inner ?? 'mitt', ['inner']);
}

/** Options every wrapper accepts. */
export interface WrappingEventBusOptions {
  /** Where publishes are forwarded and subscriptions live; default a new `MittEventBus`. */
  inner?: EventBus;
  /** Receives a warning when recording an event fails. */
  logger?: Logger;
}

/**
 * Records every published event (its own job) and forwards it to `inner`;
 * `on`/`onAny` subscribe on `inner`. A failure to record is logged and never
 * breaks `publish`; subscriber isolation is the inner bus's.
 */
export abstract class WrappingEventBus implements EventBus {
  readonly kind = 'event-bus' as const;
  readonly specVersion = 1 as const;
  abstract readonly name: string;
  /** The bus subscriptions come from. */
  readonly inner: EventBus;
  protected readonly logger: Logger | undefined;
  #closed = false;

  protected constructor(options: WrappingEventBusOptions) {
    this.logger = options.logger;
    this.inner =
      options.inner ?? new MittEventBus(options.logger === undefined ? {} : { logger: options.logger });
  }

  /** Records the event, then resolves once the inner bus has delivered it to every local handler. */
  async publish(event: AnyAgentryEvent): Promise<void> {
    if (this.#closed) return;
    let recorded: void | Promise<void> | undefined;
    try {
      recorded = this.record(event);
    } catch (error) {
      this.#warn(event, error);
    }
    const forwarded = this.inner.publish(event);
    if (recorded !== undefined) await recorded.catch((error: unknown) => this.#warn(event, error));
    await forwarded;
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): Unsubscribe {
    return this.inner.on(type, handler);
  }

  onAny(handler: (event: AnyAgentryEvent) => void | Promise<void>): Unsubscribe {
    return this.inner.onAny(handler);
  }

  /** Flushes what was recorded, then closes the inner bus. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.release();
    } finally {
      await this.inner.close?.();
    }
  }

  /** This bus's own handling of one event. */
  protected abstract record(event: AnyAgentryEvent): void | Promise<void>;

  /** Flushes and frees this bus's own resources. */
  protected async release(): Promise<void> {}

  #warn(event: AnyAgentryEvent, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.logger?.warn(`${this.name} event bus could not record "${event.type}": ${message}`, {
        runId: event.runId,
        seq: event.seq,
      });
    } catch {
      // A broken logger must not break publishing.
    }
  }
}
