/** Event triggers: start a run when another agent's run completes or fails, or a custom event is published. */
import type { EventBus } from '../contracts/event-bus.js';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { JsonValue } from '../contracts/json.js';
import { RunError } from '../errors/agentry-error.js';
import { fire } from './fire.js';
import { lookup } from './template.js';
import { type BoundTrigger, claimOnce, type TriggerHost } from './trigger-host.js';

type Matcher = JsonValue | { in: readonly unknown[] };
const RUN_EVENTS = ['run.completed', 'run.failed'] as const;
/** How long a handled event is remembered (so every process on a shared bus fires it once in all). */
const CLAIM_TTL_MS = 24 * 3_600_000;

/** True when every dotted path of `where` has its value (or one of `in`) in `payload`. */
export function matches(payload: unknown, where: { readonly [path: string]: Matcher }): boolean {
  return Object.entries(where).every(([path, expected]) => {
    const actual = lookup(payload, path);
    if (typeof expected === 'object' && expected !== null && !Array.isArray(expected) && 'in' in expected) {
      const options = (expected as { in: readonly unknown[] }).in;
      return Array.isArray(options) && options.some((candidate) => candidate === actual);
    }
    return actual === expected;
  });
}

/** The payload an event gives its triggers, or `undefined` when the trigger does not want it. */
function payloadOf(trigger: BoundTrigger, event: AnyAgentryEvent): JsonValue | undefined {
  const config = trigger.config;
  if (config.type !== 'event') return undefined;
  if (event.type === 'event.published')
    return event.data.name === config.event ? event.data.payload : undefined;
  if (event.type !== config.event) return undefined;
  if (config.from !== undefined && event.agentId !== config.from) return undefined;
  // Without `from`, an agent's own runs never trigger it (that would loop); name it in `from` to allow it.
  if (config.from === undefined && event.agentId === trigger.agent) return undefined;
  if (event.seq === 0) return undefined;
  return {
    runId: event.runId,
    agentId: event.agentId,
    sessionId: event.sessionId,
    ...event.data,
  } as JsonValue;
}

/** Firings of event triggers in flight, per bus they listen on: what `eventFiringsSettled` waits for. */
const firingsByBus = new WeakMap<EventBus, Set<Promise<unknown>>>();

/**
 * Resolves once no event-trigger firing started by an event on `bus` is in flight (each claimed and fired or
 * skipped, or lost its claim to another process), including firings started meanwhile. Events reach the
 * triggers when published, so after `publish` and this, the triggers have handled the event: what a test
 * waits on before asserting that nothing (else) fired.
 */
export async function eventFiringsSettled(bus: EventBus): Promise<void> {
  const firings = firingsByBus.get(bus);
  while (firings !== undefined && firings.size > 0) await Promise.all(firings);
}

/** Subscribes one event trigger; the returned function unsubscribes and waits for firings in flight. */
export function startEventTrigger(host: TriggerHost, trigger: BoundTrigger): () => Promise<void> {
  const config = trigger.config;
  if (config.type !== 'event') throw new Error('not an event trigger');
  const inFlight = new Set<Promise<unknown>>();
  const shared = firingsByBus.get(host.bus) ?? new Set<Promise<unknown>>();
  firingsByBus.set(host.bus, shared);
  const handle = (event: AnyAgentryEvent): void => {
    const payload = payloadOf(trigger, event);
    if (payload === undefined || !matches(payload, config.where)) return;
    const work = (async () => {
      // Every process on a shared bus sees the event: the first to claim it fires.
      if (!(await claimOnce(host, `trigger-event:${trigger.key}:${event.runId}:${event.type}`, CLAIM_TTL_MS)))
        return;
      await fire(host, trigger, { payload });
    })().catch((error: unknown) => host.logger.warn(`event trigger ${trigger.key} failed: ${String(error)}`));
    inFlight.add(work);
    shared.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      shared.delete(work);
    });
  };
  const type = (RUN_EVENTS as readonly string[]).includes(config.event)
    ? (config.event as (typeof RUN_EVENTS)[number])
    : 'event.published';
  const unsubscribe = host.bus.on(type, (event) => handle(event as AnyAgentryEvent));
  return async () => {
    unsubscribe();
    await Promise.all(inFlight);
  };
}

/** Names of the runtime's own events: `publish` refuses them. */
const RESERVED = /^(run|step|model|tool|memory|context|checkpoint|budget|subscriber|pattern|trigger|event)\./;

/** Publishes a custom event (`runtime.publish`): event triggers whose `event` is `name` fire. */
export async function publishCustomEvent(
  host: Pick<TriggerHost, 'bus' | 'now'>,
  name: string,
  payload: JsonValue,
  id: string,
): Promise<void> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(name) || RESERVED.test(name)) {
    throw new RunError('event.invalid', {
      message: `"${name}" is not a custom event name`,
      hint: 'Use letters, digits, _, ., : and - (e.g. ticket.created); run.*, trigger.* and the other runtime event prefixes are reserved.',
      context: { path: name },
    });
  }
  const runId = `event:${id}`;
  await host.bus.publish({
    type: 'event.published',
    runId,
    sessionId: runId,
    agentId: '',
    seq: 0,
    time: new Date(host.now()).toISOString(),
    data: { name, payload },
  });
}
