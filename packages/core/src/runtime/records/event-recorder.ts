/** Builds event envelopes for one run (contiguous seq, redacted payloads), publishes them and keeps the unsaved ones. */
import type { EventBus } from '../../contracts/event-bus.js';
import {
  type AgentryEvent,
  type AnyAgentryEvent,
  type EventMap,
  type EventType,
  RUN_ENDING_EVENTS,
} from '../../contracts/events.js';
import type { Clock, Logger, Redactor } from '../../contracts/services.js';
import { type EncodedRunEvents, encodeEvent, eventsOf, type RunEvents } from './event-log.js';

/** Event types whose payload carries user or tool data, and therefore passes the redactor. */
const REDACTED_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'run.started',
  'run.completed',
  'run.failed',
  'run.suspended',
  'run.cancelled',
  'model.delta',
  'model.responded',
  'model.failed',
  'tool.requested',
  'tool.approval_requested',
  'tool.denied',
  'tool.succeeded',
  'tool.failed',
  'memory.failed',
  'pattern.planned',
  'subscriber.failed',
]);

/** Held until the segment's record is stored (`publishHeld`), see `RUN_ENDING_EVENTS`. */
const ENDING_TYPES: ReadonlySet<EventType> = new Set(RUN_ENDING_EVENTS);

let lastTime = Number.NaN;
let lastTimeText = '';

/**
 * ISO time of `now` (epoch ms), formatted once per millisecond and shared by every run of the process: event
 * times, and a run's start and end times (a short run starts in the millisecond the previous one ended).
 */
export function timeText(now: number): string {
  if (now !== lastTime) {
    lastTime = now;
    lastTimeText = new Date(now).toISOString();
  }
  return lastTimeText;
}

/** Who the events of a run belong to. */
export interface RecorderIdentity {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
}

/** Receives every event of the run synchronously, in seq order (used by `runtime.stream`). */
export type RunEventListener = (event: AnyAgentryEvent) => void;

/**
 * Emits the events of one run. Publishing does not block the run: the bus
 * isolates subscribers, and `settled()` waits for every delivery before a run
 * reports its result. Events are kept as the objects published until the
 * store takes them, and encoded only then, by the sink that needs text: a
 * durable save encodes each event for its checkpoint (`takeEncoded`), the
 * batch a non-durable run stores at suspend or finish is encoded in one pass
 * per block (`takeEvents` + `writeRunEvents`). Nothing is encoded at emit.
 */
export class EventRecorder {
  private seq: number;
  private pending: AnyAgentryEvent[] = [];
  private deliveries: Promise<unknown>[] = [];
  private lastDelivery: Promise<void> | undefined;
  /** Ending events not published yet (see `ENDING_TYPES`). */
  private held: AnyAgentryEvent[] = [];
  /** Deliveries tracked and not settled yet. */
  private unsettled = 0;

  constructor(
    readonly identity: RecorderIdentity,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly redactor: Redactor | undefined,
    private readonly logger: Logger,
    startSeq: number,
    private readonly listener?: RunEventListener,
  ) {
    this.seq = startSeq;
  }

  /** Seq of the last event emitted. */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Emits one event and returns its envelope. Never throws because of a subscriber. `now`: the clock's
   * reading the caller took right before (epoch ms), when it has one, so the clock is not read twice.
   */
  emit<T extends EventType>(type: T, data: EventMap[T], now = this.clock.now()): AgentryEvent<T> {
    this.seq += 1;
    const event: AgentryEvent<T> = {
      type,
      runId: this.identity.runId,
      sessionId: this.identity.sessionId,
      agentId: this.identity.agentId,
      seq: this.seq,
      time: timeText(now),
      data: this.redactor && REDACTED_TYPES.has(type) ? this.redactor.redact(data) : data,
    };
    const any = event as unknown as AnyAgentryEvent;
    this.pending.push(any);
    if (this.listener) this.listener(any);
    if (ENDING_TYPES.has(type)) this.held.push(any);
    else this.publish(any);
    return event;
  }

  /** Publishes the ending events held until the segment was stored (also when storing it failed). */
  publishHeld(): void {
    for (const event of this.held.splice(0)) this.publish(event);
  }

  private publish(event: AnyAgentryEvent): void {
    const type = event.type;
    try {
      const delivery = this.bus.publish(event);
      // A bus with nothing to wait for hands back the same settled promise every time; track each promise once.
      if (delivery !== this.lastDelivery) {
        this.lastDelivery = delivery;
        this.unsettled += 1;
        this.deliveries.push(
          delivery.then(
            () => {
              this.unsettled -= 1;
            },
            (error: unknown) => {
              this.unsettled -= 1;
              this.reportBusError(type, error);
            },
          ),
        );
      }
    } catch (error) {
      this.reportBusError(type, error);
    }
  }

  /** Events emitted since the last take, in seq order; the recorder forgets them. */
  takeEvents(): RunEvents {
    const items = this.pending;
    this.pending = [];
    return { ...this.identity, firstSeq: this.seq - items.length + 1, items };
  }

  /** `takeEvents`, each event encoded as its stored text (what a durable checkpoint keeps). */
  takeEncoded(): EncodedRunEvents {
    const taken = this.takeEvents();
    return { ...taken, items: taken.items.map(encodeEvent) };
  }

  /**
   * Hands back events taken with `takeEncoded` that could not be stored (a
   * failed save): they are taken again, in order, by the next take.
   */
  putBack(taken: EncodedRunEvents): void {
    if (taken.items.length === 0) return;
    const events = eventsOf(
      this.identity,
      taken.items.map((text) => JSON.parse(text) as unknown),
    );
    this.pending = [...events, ...this.pending];
  }

  /**
   * Resolves once every event emitted so far has been delivered to the bus's subscribers; `undefined` when
   * nothing is in flight (a bus that delivered every event synchronously), so the caller need not wait a tick.
   */
  settled(): Promise<void> | undefined {
    if (this.unsettled > 0) return this.drain();
    this.deliveries = [];
    return undefined;
  }

  private async drain(): Promise<void> {
    while (this.deliveries.length > 0) {
      const pending = this.deliveries;
      this.deliveries = [];
      await Promise.allSettled(pending);
    }
  }

  private reportBusError(type: string, error: unknown): void {
    this.logger.warn('event bus failed to publish an event', {
      eventType: type,
      runId: this.identity.runId,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
