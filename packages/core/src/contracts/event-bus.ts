/** Contract for the `event-bus` plugin kind: typed publish/subscribe of run events. */
import type { AgentryEvent, AnyAgentryEvent, EventType } from './events.js';

/** A subscriber; it may be async. Throwing or rejecting never affects the run. */
export type EventHandler<T extends EventType = EventType> = (event: AgentryEvent<T>) => void | Promise<void>;
/** Stops a subscription. */
export type Unsubscribe = () => void;

/**
 * Delivers run events to subscribers. `publish` resolves once every local
 * handler has settled; a handler that throws or rejects is isolated and
 * reported (as a `subscriber.failed` event or a log line), never re-thrown.
 * Events of one run are delivered in `seq` order. Every handler receives the
 * runtime's own event object: treat it as read-only (the run's stored event
 * log is encoded from it after delivery; the memory store encodes it when the
 * log is first read). The same goes for values a run puts in its events as
 * given: a tool's output and a model's tool-call input are not to be changed
 * once returned.
 */
export interface EventBus {
  readonly kind: 'event-bus';
  readonly specVersion: 1;
  readonly name: string;
  publish(event: AnyAgentryEvent): Promise<void>;
  on<T extends EventType>(type: T, handler: EventHandler<T>): Unsubscribe;
  /** Subscribes to every event type. */
  onAny(handler: (event: AnyAgentryEvent) => void | Promise<void>): Unsubscribe;
  /** Flushes and releases resources. Safe to call twice. */
  close?(): Promise<void>;
}

export function isEventBus(value: unknown): value is EventBus {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'event-bus';
}
