/** Reading a run's checkpointed events: those under their own keys plus those still inline in its head. */
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Store } from '../../contracts/store.js';
import { readRunEvents } from '../records/event-log.js';
import { CHECKPOINT_NAMESPACE, isEmptyHead, openEnvelope } from './envelope.js';

/**
 * A run's stored events with `seq > afterSeq`, in order, for durable and
 * non-durable runs alike: the events under their own keys, then those a
 * durable run's latest checkpoint still holds inline.
 */
export async function readCheckpointedEvents(
  store: Store,
  runId: string,
  afterSeq = 0,
): Promise<AnyAgentryEvent[]> {
  const [stored, head] = await Promise.all([
    readRunEvents(store, runId, afterSeq),
    store.get(CHECKPOINT_NAMESPACE, runId),
  ]);
  if (head === undefined || isEmptyHead(head)) return stored;
  const envelope = openEnvelope(runId, head);
  // While the run is unfinished, events past its checkpoint are a crashed process's leftovers.
  const events =
    envelope.snapshot.status === 'running'
      ? stored.filter((event) => event.seq <= envelope.eventSeq)
      : stored;
  let lastSeq = events.at(-1)?.seq ?? afterSeq;
  for (const event of envelope.events.tail) {
    if (event.seq !== lastSeq + 1) continue;
    events.push(event);
    lastSeq = event.seq;
  }
  return events;
}
