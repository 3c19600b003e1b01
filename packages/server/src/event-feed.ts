/**
 * Server-Sent Events of runs. A run's stream first replays its stored events after the client's
 * `Last-Event-ID` (= `seq`), then follows the event bus — subscribed before the replay, so nothing
 * falls between the two — and ends after the run's final event. Every event is sent once, in `seq` order.
 */
import type { AnyAgentryEvent, Runtime } from '@agentry/core';
import type { SSEStreamingApi } from 'hono/streaming';

const FINAL_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled']);
const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
/** A comment line this often keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/** Pushes events to a waiting consumer; buffers while it is busy. */
class EventQueue {
  private readonly items: AnyAgentryEvent[] = [];
  private wake: (() => void) | undefined;

  push(event: AnyAgentryEvent): void {
    this.items.push(event);
    this.wake?.();
  }

  /** The buffered events, or waits up to `ms` for one (then returns an empty list). */
  async take(ms: number): Promise<AnyAgentryEvent[]> {
    if (this.items.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.items.splice(0);
  }

  /** Ends a pending `take` at once. */
  interrupt(): void {
    this.wake?.();
  }
}

const send = (stream: SSEStreamingApi, event: AnyAgentryEvent): Promise<void> =>
  stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });

/** What ends a stream early: the client left, or the runtime was replaced (the client reconnects). */
export interface FeedControl {
  onRuntimeChange(listener: () => void): () => void;
}

/** Subscribes to runtime changes; `changed()` says whether one happened. */
function watchChange(control: FeedControl, queue: EventQueue): { changed: () => boolean; stop: () => void } {
  let changed = false;
  const stop = control.onRuntimeChange(() => {
    changed = true;
    queue.interrupt();
  });
  return { changed: () => changed, stop };
}

const RECONNECT = { event: 'reconnect', data: '{}' };

/** Streams one run's events after `afterSeq` until the run ends or the client goes away. */
export async function streamRunEvents(
  stream: SSEStreamingApi,
  runtime: Runtime,
  runId: string,
  afterSeq: number,
  control: FeedControl,
): Promise<void> {
  const queue = new EventQueue();
  const unsubscribe = runtime.events.onAny((event) => {
    if (event.runId === runId && event.type !== 'model.delta') queue.push(event);
  });
  const change = watchChange(control, queue);
  stream.onAbort(() => queue.interrupt());
  try {
    let lastSeq = afterSeq;
    let ended = false;
    const deliver = async (events: readonly AnyAgentryEvent[]): Promise<void> => {
      for (const event of events) {
        if (event.seq <= lastSeq) continue;
        await send(stream, event);
        lastSeq = event.seq;
        if (FINAL_EVENTS.has(event.type)) ended = true;
      }
    };
    await deliver(await runtime.runs.events(runId, { afterSeq }));
    if (!ended) {
      const record = await runtime.runs.get(runId);
      if (record && FINAL_STATUSES.has(record.status)) {
        // Ended between the replay and now: what the store has after the replay is the rest.
        await deliver(await runtime.runs.events(runId, { afterSeq: lastSeq }));
        ended = true;
      }
    }
    while (!ended && !stream.aborted) {
      const events = await queue.take(HEARTBEAT_MS);
      await deliver(events.sort((a, b) => a.seq - b.seq));
      if (change.changed()) {
        if (!ended) await stream.writeSSE(RECONNECT);
        return;
      }
      if (events.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
    }
  } finally {
    unsubscribe();
    change.stop();
  }
}

/** Streams every live event of every run (no replay, no ids): what a runs list or an inbox follows. */
export async function streamAllEvents(
  stream: SSEStreamingApi,
  runtime: Runtime,
  control: FeedControl,
): Promise<void> {
  const queue = new EventQueue();
  const unsubscribe = runtime.events.onAny((event) => {
    if (event.type !== 'model.delta') queue.push(event);
  });
  const change = watchChange(control, queue);
  stream.onAbort(() => queue.interrupt());
  try {
    await stream.writeSSE({ event: 'ready', data: '{}' });
    while (!stream.aborted) {
      const events = await queue.take(HEARTBEAT_MS);
      for (const event of events) await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
      if (change.changed()) {
        await stream.writeSSE(RECONNECT);
        return;
      }
      if (events.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
    }
  } finally {
    unsubscribe();
    change.stop();
  }
}
