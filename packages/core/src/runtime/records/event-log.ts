/**
 * Where a run's events live in the store: namespace `events`, in blocks of
 * `EVENT_BLOCK_SIZE` consecutive seqs, key `<runId>:b<block, 8 digits>`, each
 * value `{ runId, sessionId, agentId, events: [[type, seq, time, data], …] }`
 * (written from its JSON text with `setJsonText`; as that text in a JSON
 * string by stores without it).
 */
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { JsonValue } from '../../contracts/json.js';
import type { Store, StoreSetOptions } from '../../contracts/store.js';
import { DeferredJsonText } from '../../defaults/deferred-json-text.js';
import { findNonJson } from '../../defaults/store-json.js';
import { StoreError } from '../../errors/agentry-error.js';
import { flatJson } from '../snapshot/json-guard.js';

/** Store namespace of run events (durable persistence writes here too, through `writeRunEvents`). */
export const RUN_EVENTS_NAMESPACE = 'events';
/** Seqs per stored block: block `b` holds seqs `b * size + 1 … (b + 1) * size`. */
export const EVENT_BLOCK_SIZE = 128;

const READ_BLOCKS = 8;

/** Store key of the block holding event `seq`. Zero-padded so keys sort in seq order. */
export function runEventKey(runId: string, seq: number): string {
  return blockKey(runId, Math.floor((seq - 1) / EVENT_BLOCK_SIZE));
}

function blockKey(runId: string, block: number): string {
  return `${runId}:b${String(block).padStart(8, '0')}`;
}

/** Who a run's events belong to. */
export interface RunIdentity {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
}

/** A stored block: the run's identity once, then `[type, seq, time, data]` per event. */
interface StoredBlock extends RunIdentity {
  events: [type: string, seq: number, time: string, data: JsonValue][];
}

/**
 * The last block a writer stored for a run and the event texts in it, so the
 * next write that continues the block need not read it back.
 */
export interface OpenBlock {
  readonly block: number;
  readonly items: readonly string[];
}

/** Events of one run with consecutive seqs from `firstSeq`, each already encoded as `[type,seq,time,data]` text. */
export interface EncodedRunEvents extends RunIdentity {
  readonly firstSeq: number;
  readonly items: readonly string[];
}

/** Events of one run with consecutive seqs from `firstSeq`, as published. */
export interface RunEvents extends RunIdentity {
  readonly firstSeq: number;
  readonly items: readonly AnyAgentryEvent[];
}

/** The stored text of one event (`[type, seq, time, data]`), flat: a run keeps these until they are stored. */
export function encodeEvent(event: AnyAgentryEvent): string {
  return flatJson([event.type, event.seq, event.time, event.data]);
}

function blockText(runs: RunIdentity, items: readonly string[]): string {
  return `{"runId":${JSON.stringify(runs.runId)},"sessionId":${JSON.stringify(runs.sessionId)},"agentId":${JSON.stringify(runs.agentId)},"events":[${items.join(',')}]}`;
}

function parseBlock(value: JsonValue | undefined): AnyAgentryEvent[] {
  if (value === undefined) return [];
  const block = (typeof value === 'string' ? JSON.parse(value) : value) as StoredBlock;
  return eventsOf(block, block.events);
}

/**
 * Events of one run from their stored form, `[type, seq, time, data]` each.
 * @throws TypeError when an item is not such an array.
 */
export function eventsOf(identity: RunIdentity, items: readonly unknown[]): AnyAgentryEvent[] {
  const { runId, sessionId, agentId } = identity;
  return items.map((item) => {
    const [type, seq, time, data] = item as StoredBlock['events'][number];
    return { type, runId, sessionId, agentId, seq, time, data } as AnyAgentryEvent;
  });
}

/**
 * Writes events (of one run, ascending contiguous seqs) in one batch. A block
 * that already holds earlier events of the run is merged; stored events at or
 * past the first new seq (left by a crashed process) are replaced. A block the
 * batch starts is encoded in one `JSON.stringify` (events are plain JSON by
 * construction) and handed to the store as text: nothing is checked or
 * serialised twice.
 */
export async function writeRunEvents(
  store: Store,
  events: readonly AnyAgentryEvent[] | RunEvents,
): Promise<void> {
  const batch = Array.isArray(events)
    ? runEventsOf(events as readonly AnyAgentryEvent[])
    : (events as RunEvents);
  if (batch === undefined || batch.items.length === 0) return;
  const blocks = runEventBlocks(batch);
  // Continues a stored block: merged event by event.
  if (blocks === undefined)
    await writeEncodedRunEvents(store, { ...batch, items: batch.items.map(encodeEvent) });
  else await storeBlocks(store, blocks, undefined);
}

/**
 * One block of a run's events as a `Store.setBatch` entry (namespace `RUN_EVENTS_NAMESPACE`): its JSON
 * text is made when `text` is first read, in one `JSON.stringify`. Every store reads it while writing the
 * batch; the memory store keeps the entry itself and encodes it when the block is first read back (see
 * `MemoryStore`), so a block that is never read (most runs of a long-lived process) is never encoded.
 */
export class EventBlockEntry extends DeferredJsonText {
  readonly namespace = RUN_EVENTS_NAMESPACE;
  #identity: RunIdentity | undefined;
  #items: readonly AnyAgentryEvent[] | undefined;
  #text: string | undefined;

  constructor(
    readonly key: string,
    identity: RunIdentity,
    items: readonly AnyAgentryEvent[],
  ) {
    super();
    this.#identity = identity;
    this.#items = items;
  }

  /** The block's JSON text, `{ runId, sessionId, agentId, events: [[type, seq, time, data], …] }`. */
  override get text(): string {
    if (this.#text === undefined) {
      const { runId, sessionId, agentId } = this.#identity!;
      const items = this.#items!;
      const events = new Array<StoredBlock['events'][number]>(items.length);
      for (let at = 0; at < items.length; at++) {
        const event = items[at]!;
        events[at] = [event.type, event.seq, event.time, event.data as JsonValue];
      }
      try {
        this.#text = JSON.stringify({ runId, sessionId, agentId, events });
      } catch (error) {
        throw unencodableEvents(runId, items, error);
      }
      // Encoded once: the events need not be held any longer.
      this.#identity = undefined;
      this.#items = undefined;
    }
    return this.#text;
  }
}

/**
 * `store.not_json` for a block whose events JSON cannot hold (a BigInt or a cycle in a custom model's or
 * tool's payload), naming the first such event and value: raised when the block is first read.
 */
function unencodableEvents(runId: string, items: readonly AnyAgentryEvent[], error: unknown): StoreError {
  const bad = items
    .map((event) => ({ event, problem: findNonJson(event.data, 'data') }))
    .find(({ problem }) => problem !== undefined);
  const where = bad
    ? `event ${bad.event.seq} (${bad.event.type}): ${bad.problem!.path} is ${bad.problem!.found}`
    : String(error instanceof Error ? error.message : error);
  return new StoreError('store.not_json', {
    message: `The stored events of run ${runId} cannot be read: ${where}, which is not plain JSON`,
    hint: 'A model or tool of this run put a value JSON cannot hold into an event (BigInt, a cycle): make it return plain JSON (BigInt as a string).',
    cause: error,
    context: { runId },
  });
}

/**
 * The blocks (namespace `RUN_EVENTS_NAMESPACE`, JSON text each, made on first read) `writeRunEvents` writes
 * for events that start a block, for a caller that writes them together with other entries
 * (`Store.setBatch`); `undefined` when they continue a stored block (`writeRunEvents` merges those).
 */
export function runEventBlocks(batch: RunEvents): EventBlockEntry[] | undefined {
  const { firstSeq, items } = batch;
  if ((firstSeq - 1) % EVENT_BLOCK_SIZE !== 0) return undefined;
  const identity = { runId: batch.runId, sessionId: batch.sessionId, agentId: batch.agentId };
  if (items.length <= EVENT_BLOCK_SIZE) {
    const block = Math.floor((firstSeq - 1) / EVENT_BLOCK_SIZE);
    return [new EventBlockEntry(blockKey(identity.runId, block), identity, items)];
  }
  const blocks: EventBlockEntry[] = [];
  for (let index = 0; index < items.length; index += EVENT_BLOCK_SIZE) {
    const block = Math.floor((firstSeq + index - 1) / EVENT_BLOCK_SIZE);
    const slice = items.slice(index, index + EVENT_BLOCK_SIZE);
    blocks.push(new EventBlockEntry(blockKey(identity.runId, block), identity, slice));
  }
  return blocks;
}

function runEventsOf(events: readonly AnyAgentryEvent[]): RunEvents | undefined {
  const first = events[0];
  if (first === undefined) return undefined;
  const { runId, sessionId, agentId, seq } = first;
  return { runId, sessionId, agentId, firstSeq: seq, items: events };
}

/**
 * `writeRunEvents` for events encoded as they were emitted. `open` is what the
 * previous write of this run returned: when the new events continue that
 * block, its earlier events are taken from it instead of read back. Returns
 * the block written last, for the next write.
 */
export async function writeEncodedRunEvents(
  store: Store,
  encoded: EncodedRunEvents,
  open?: OpenBlock,
  options?: StoreSetOptions,
): Promise<OpenBlock | undefined> {
  if (encoded.items.length === 0) return open;
  const { blocks, last } = await encodedEventBlocks(store, encoded, open);
  await storeBlocks(store, blocks, options);
  return last;
}

/**
 * The blocks `writeEncodedRunEvents` would write (namespace `RUN_EVENTS_NAMESPACE`, JSON text each) and
 * the block written last, for a caller that writes them together with other entries (`Store.setBatch`).
 * Reads a stored block back only when the events continue one that `open` does not hold.
 */
export async function encodedEventBlocks(
  store: Store,
  encoded: EncodedRunEvents,
  open?: OpenBlock,
): Promise<{ blocks: { key: string; text: string }[]; last: OpenBlock | undefined }> {
  const { runId, firstSeq, items } = encoded;
  const blocks: { key: string; text: string }[] = [];
  let last: OpenBlock | undefined = open;
  let index = 0;
  while (index < items.length) {
    const seq = firstSeq + index;
    const block = Math.floor((seq - 1) / EVENT_BLOCK_SIZE);
    const take = Math.min(items.length - index, (block + 1) * EVENT_BLOCK_SIZE - seq + 1);
    let blockItems = items.slice(index, index + take);
    const before = (seq - 1) % EVENT_BLOCK_SIZE;
    if (before !== 0) {
      const kept =
        open?.block === block && open.items.length === before
          ? open.items
          : parseBlock(await store.get(RUN_EVENTS_NAMESPACE, blockKey(runId, block)))
              .filter((event) => event.seq < firstSeq)
              .map(encodeEvent);
      if (kept.length > 0) blockItems = [...kept, ...blockItems];
    }
    blocks.push({ key: blockKey(runId, block), text: blockText(encoded, blockItems) });
    last = { block, items: blockItems };
    index += take;
  }
  return { blocks, last };
}

/**
 * Stores blocks given as JSON text: as the objects they encode through
 * `setJsonText` (no escaping, nothing re-checked), else as JSON strings.
 */
async function storeBlocks(
  store: Store,
  blocks: readonly { key: string; text: string }[],
  options: StoreSetOptions | undefined,
): Promise<void> {
  const setJsonText = store.setJsonText?.bind(store);
  if (setJsonText === undefined) {
    await store.setMany(
      RUN_EVENTS_NAMESPACE,
      blocks.map((block) => ({ key: block.key, value: block.text })),
      options,
    );
  } else {
    await Promise.all(
      blocks.map((block) => setJsonText(RUN_EVENTS_NAMESPACE, block.key, block.text, options)),
    );
  }
}

/**
 * Reads a run's stored events with `seq > afterSeq`, in order. Seqs are
 * contiguous, so reading stops at the first gap.
 */
export async function readRunEvents(store: Store, runId: string, afterSeq = 0): Promise<AnyAgentryEvent[]> {
  const events: AnyAgentryEvent[] = [];
  let expected = afterSeq + 1;
  let block = Math.floor(afterSeq / EVENT_BLOCK_SIZE);
  for (;;) {
    const keys = Array.from({ length: READ_BLOCKS }, (_, offset) => blockKey(runId, block + offset));
    const values = await store.getMany(RUN_EVENTS_NAMESPACE, keys);
    for (const value of values) {
      for (const event of parseBlock(value)) {
        if (event.seq < expected) continue;
        if (event.seq !== expected) return events;
        events.push(event);
        expected += 1;
      }
      if ((expected - 1) % EVENT_BLOCK_SIZE !== 0 || value === undefined) return events;
    }
    block += READ_BLOCKS;
  }
}
