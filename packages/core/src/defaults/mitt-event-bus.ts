/** `MittEventBus`: the in-process event bus over mitt, with every subscriber isolated and reported. */
import mittModule, { type Emitter } from 'mitt';
import { z } from 'zod';
import type { EventBus, EventHandler, Unsubscribe } from '../contracts/event-bus.js';
import type { AgentryEvent, AnyAgentryEvent, EventType } from '../contracts/events.js';
import type { Clock, Logger } from '../contracts/services.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { noOptions, withFastConfig } from '../plugin/fast-plugin-config.js';
import { ConsoleLogger } from '../services/console-logger.js';

type Events = { [T in EventType]: AgentryEvent<T> };
type MittFactory = () => Emitter<Events>;
// Under NodeNext mitt's CJS default export does not type-check as callable (TS2349): cast once, here.
const moduleValue = mittModule as unknown as MittFactory | { default: MittFactory };
const createEmitter: MittFactory = typeof moduleValue === 'function' ? moduleValue : moduleValue.default;

/** A subscriber as mitt holds it: calls the user handler and reports what it did. */
type Wrapped = (event: AnyAgentryEvent) => void;
type AnyHandler = (event: AnyAgentryEvent) => void | Promise<void>;

/** One delivery in progress: promises of async handlers, and synchronous failures. */
interface Delivery {
  pending: Promise<void>[] | undefined;
  failures: { handler: Wrapped; error: unknown }[] | undefined;
}

const RESOLVED: Promise<void> = Promise.resolve();

function addPending(delivery: Delivery, promise: Promise<void>): void {
  if (delivery.pending === undefined) delivery.pending = [promise];
  else delivery.pending.push(promise);
}

function addFailure(delivery: Delivery, handler: Wrapped, error: unknown): void {
  if (delivery.failures === undefined) delivery.failures = [{ handler, error }];
  else delivery.failures.push({ handler, error });
}

/** Options of `MittEventBus`. */
export interface MittEventBusOptions {
  /** Where subscriber failures are logged (a `warn` line each); default a `ConsoleLogger`. */
  logger?: Logger;
  /** Time of `subscriber.failed` notices; default the system clock. */
  clock?: Clock;
}

/**
 * In-process bus. Handlers are called synchronously, in subscription order
 * (type handlers before `onAny` handlers), at the moment `publish` is called,
 * so the events of a run reach every subscriber in the order they were
 * published (the runtime publishes in `seq` order). `publish` resolves once
 * every handler has settled, async ones included.
 *
 * A handler that throws or rejects never breaks `publish`, never stops the
 * other handlers and never becomes an unhandled rejection: it is logged as a
 * warning and reported to the other subscribers as a `subscriber.failed`
 * event (same run, same `seq` as the event that failed; it is a local notice,
 * not part of the run's stored sequence). Failures of `subscriber.failed`
 * handlers are only logged, never reported again.
 *
 * After `close()`, `publish` delivers nothing and subscriptions are dropped.
 */
export class MittEventBus implements EventBus {
  static readonly plugin = withFastConfig(
    definePlugin({
      kind: 'event-bus',
      name: 'mitt',
      description: 'In-process event bus (mitt); isolates and reports failing subscribers',
      configSchema: z.object({}).strict().describe('The mitt bus takes no options.'),
      create: (_config, deps) => new MittEventBus({ logger: deps.logger, clock: deps.clock }),
    }),
    noOptions,
  );

  readonly kind = 'event-bus' as const;
  readonly specVersion = 1 as const;
  readonly name = 'mitt';

  readonly #emitter = createEmitter();
  readonly #logger: Logger;
  readonly #clock: Clock | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #subscribers = 0;
  #closed = false;
  /** The delivery being collected while mitt calls handlers synchronously. */
  #delivery: Delivery | undefined;
  /** A handler to skip while reporting its own failure. */
  #skip: Wrapped | undefined;

  constructor(options: MittEventBusOptions = {}) {
    this.#logger = options.logger ?? new ConsoleLogger();
    this.#clock = options.clock;
  }

  publish(event: AnyAgentryEvent): Promise<void> {
    if (this.#closed || this.#subscribers === 0) return RESOLVED;
    const delivery = this.#emit(event, undefined);
    if (delivery.failures === undefined && delivery.pending === undefined) return RESOLVED;
    const settled = this.#settle(event, delivery);
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return settled;
  }

  on<T extends EventType>(type: T, handler: EventHandler<T>): Unsubscribe {
    return this.#subscribe(type, handler as unknown as AnyHandler);
  }

  onAny(handler: (event: AnyAgentryEvent) => void | Promise<void>): Unsubscribe {
    return this.#subscribe('*', handler);
  }

  /** Waits for deliveries in progress, then drops every subscription. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    this.#emitter.all.clear();
    this.#subscribers = 0;
  }

  #subscribe(type: EventType | '*', handler: AnyHandler): Unsubscribe {
    if (this.#closed) return () => {};
    const wrapped: Wrapped = (event) => {
      if (this.#skip === wrapped) return;
      const delivery = this.#delivery;
      try {
        const result = handler(event);
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          const guarded = Promise.resolve(result).then(undefined, (error: unknown) =>
            this.#report(event, wrapped, error),
          );
          if (delivery) addPending(delivery, guarded);
        }
      } catch (error) {
        if (delivery) addFailure(delivery, wrapped, error);
        else void this.#report(event, wrapped, error);
      }
    };
    // mitt calls `*` handlers with (type, event): adapt them, and keep the exact function to remove.
    const listener =
      type === '*' ? (_type: unknown, event: unknown) => wrapped(event as AnyAgentryEvent) : wrapped;
    this.#emitter.on(type as EventType, listener as never);
    this.#subscribers++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#subscribers--;
      this.#emitter.off(type as EventType, listener as never);
    };
  }

  /** Calls every handler synchronously, collecting async results and sync failures. */
  #emit(event: AnyAgentryEvent, skip: Wrapped | undefined): Delivery {
    const previousDelivery = this.#delivery;
    const previousSkip = this.#skip;
    const delivery: Delivery = { pending: undefined, failures: undefined };
    this.#delivery = delivery;
    this.#skip = skip;
    try {
      this.#emitter.emit(event.type, event as never);
    } finally {
      this.#delivery = previousDelivery;
      this.#skip = previousSkip;
    }
    return delivery;
  }

  async #settle(event: AnyAgentryEvent, delivery: Delivery): Promise<void> {
    const reports: Promise<void>[] = [];
    for (const failure of delivery.failures ?? [])
      reports.push(this.#report(event, failure.handler, failure.error));
    await Promise.allSettled([...(delivery.pending ?? []), ...reports]);
  }

  /** Logs a failed handler and tells the other subscribers, unless the failure was itself a report. */
  async #report(event: AnyAgentryEvent, handler: Wrapped, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.#logger.warn(`Event subscriber failed on "${event.type}": ${message}`, {
        eventType: event.type,
        runId: event.runId,
        seq: event.seq,
      });
    } catch {
      // A broken logger must not break publishing either.
    }
    if (event.type === 'subscriber.failed' || this.#closed) return;
    const notice: AgentryEvent<'subscriber.failed'> = {
      type: 'subscriber.failed',
      runId: event.runId,
      sessionId: event.sessionId,
      agentId: event.agentId,
      seq: event.seq,
      time: new Date(this.#clock ? this.#clock.now() : Date.now()).toISOString(),
      data: { eventType: event.type, message },
    };
    const delivery = this.#emit(notice, handler);
    const failures = (delivery.failures ?? []).map((failure) =>
      this.#report(notice, failure.handler, failure.error),
    );
    await Promise.allSettled([...(delivery.pending ?? []), ...failures]);
  }
}
