/** `describeEventBusConformance`: the behaviour every `event-bus` plugin must show. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../contracts/event-bus.js';
import type { AgentryEvent, AnyAgentryEvent, EventMap, EventType } from '../contracts/events.js';

/** Options of `describeEventBusConformance`. */
export interface EventBusConformanceOptions {
  /** Suite title, e.g. the plugin name. */
  name: string;
  /** A fresh, empty bus per test. */
  create: () => EventBus | Promise<EventBus>;
  /** Releases what `create` made (the suite calls `bus.close()` first when present). */
  destroy?: (bus: EventBus) => void | Promise<void>;
}

let sequence = 0;

/** Builds an event envelope for tests. */
export function makeTestEvent<T extends EventType>(
  type: T,
  data: EventMap[T],
  envelope: Partial<Omit<AgentryEvent<T>, 'type' | 'data'>> = {},
): AgentryEvent<T> {
  sequence++;
  return {
    type,
    runId: envelope.runId ?? 'run_conformance',
    sessionId: envelope.sessionId ?? 'session_conformance',
    agentId: envelope.agentId ?? 'agent_conformance',
    seq: envelope.seq ?? sequence,
    time: envelope.time ?? new Date(0).toISOString(),
    data,
  };
}

function stepStarted(seq: number, runId = 'run_conformance'): AnyAgentryEvent {
  return makeTestEvent('step.started', { step: seq }, { seq, runId }) as AnyAgentryEvent;
}

/** Lets queued microtasks and one macrotask run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Registers a vitest suite checking: typed and catch-all delivery, per-run
 * ordering, that `publish` waits for async handlers, that a throwing or
 * rejecting handler neither breaks `publish`, nor stops other handlers, nor
 * leaks an unhandled rejection, unsubscribe, and `close`.
 */
export function describeEventBusConformance(options: EventBusConformanceOptions): void {
  describe(`event-bus conformance: ${options.name}`, () => {
    const created: EventBus[] = [];
    const make = async (): Promise<EventBus> => {
      const bus = await options.create();
      created.push(bus);
      return bus;
    };

    afterEach(async () => {
      for (const bus of created.splice(0)) {
        await bus.close?.();
        await options.destroy?.(bus);
      }
    });

    it('declares kind event-bus, spec version 1 and a name', async () => {
      const bus = await make();
      expect(bus.kind).toBe('event-bus');
      expect(bus.specVersion).toBe(1);
      expect(typeof bus.name).toBe('string');
    });

    it('delivers an event to handlers of its type and to onAny handlers, not to other types', async () => {
      const bus = await make();
      const typed: AnyAgentryEvent[] = [];
      const other: AnyAgentryEvent[] = [];
      const any: AnyAgentryEvent[] = [];
      bus.on('step.started', (event) => void typed.push(event as AnyAgentryEvent));
      bus.on('step.completed', (event) => void other.push(event as AnyAgentryEvent));
      bus.onAny((event) => void any.push(event));
      const event = stepStarted(1);
      await bus.publish(event);
      expect(typed).toEqual([event]);
      expect(other).toEqual([]);
      expect(any).toEqual([event]);
    });

    it('delivers the events of a run in publish (seq) order, also when publishes are not awaited', async () => {
      const bus = await make();
      const seen: number[] = [];
      bus.onAny(async (event) => {
        await tick();
        seen.push(event.seq);
      });
      const order: number[] = [];
      bus.on('step.started', (event) => void order.push(event.seq));
      await Promise.all([1, 2, 3, 4, 5].map((seq) => bus.publish(stepStarted(seq))));
      expect(order).toEqual([1, 2, 3, 4, 5]);
      expect(seen.sort((left, right) => left - right)).toEqual([1, 2, 3, 4, 5]);
    });

    it('resolves publish only after async handlers have settled', async () => {
      const bus = await make();
      let finished = false;
      bus.on('step.started', async () => {
        await tick();
        await tick();
        finished = true;
      });
      await bus.publish(stepStarted(1));
      expect(finished).toBe(true);
    });

    it('isolates a handler that throws: publish resolves and the other handlers still run', async () => {
      const bus = await make();
      const received: string[] = [];
      bus.on('step.started', () => {
        throw new Error('subscriber bug');
      });
      bus.on('step.started', () => void received.push('typed'));
      bus.onAny((event) => void received.push(`any:${event.type}`));
      await expect(bus.publish(stepStarted(1))).resolves.toBeUndefined();
      expect(received).toContain('typed');
      expect(received).toContain('any:step.started');
    });

    it('isolates a handler that rejects: no unhandled rejection, other handlers still run', async () => {
      const bus = await make();
      const unhandled: unknown[] = [];
      const listener = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        let other = 0;
        bus.on('step.started', async () => {
          await tick();
          throw new Error('async subscriber bug');
        });
        bus.on('step.started', () => void other++);
        await expect(bus.publish(stepStarted(1))).resolves.toBeUndefined();
        await tick();
        await tick();
        expect(other).toBe(1);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', listener);
      }
    });

    it('stops delivering after unsubscribe, and unsubscribing twice is harmless', async () => {
      const bus = await make();
      let typed = 0;
      let any = 0;
      const offTyped = bus.on('step.started', () => void typed++);
      const offAny = bus.onAny(() => void any++);
      await bus.publish(stepStarted(1));
      offTyped();
      offAny();
      offTyped();
      offAny();
      await bus.publish(stepStarted(2));
      expect(typed).toBe(1);
      expect(any).toBe(1);
    });

    it('keeps separate subscriptions of the same handler function independent', async () => {
      const bus = await make();
      let calls = 0;
      const handler = (): void => void calls++;
      const first = bus.on('step.started', handler);
      bus.on('step.started', handler);
      first();
      await bus.publish(stepStarted(1));
      expect(calls).toBe(1);
    });

    it('can be closed twice', async () => {
      const bus = await make();
      await bus.close?.();
      await bus.close?.();
    });
  });
}
