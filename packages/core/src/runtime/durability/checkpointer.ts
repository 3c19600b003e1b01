/**
 * `StoreCheckpointer`: the store-backed `RunPersistence` of durable runs. A
 * checkpoint becomes visible through one atomic write of the run's head
 * record; messages and events are appended as deltas written before the head.
 */
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import type { PatternState } from '../../contracts/pattern.js';
import type { Store } from '../../contracts/store.js';
import { CheckpointError } from '../../errors/agentry-error.js';
import {
  type EncodedRunEvents,
  encodeEvent,
  type OpenBlock,
  readRunEvents,
  writeEncodedRunEvents,
} from '../records/event-log.js';
import type { RunSnapshot } from '../run/run-snapshot.js';
import {
  appendLog,
  appendTail,
  type CheckpointLog,
  emptyLog,
  emptyTail,
  flushLog,
  type InlineTail,
  tailFrom,
  textDigest,
} from './checkpointer-log.js';
import { crashPoint } from './crash-points.js';
import {
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointEnvelope,
  type HeadBody,
  openEnvelope,
  parseStored,
  sealEnvelope,
  verifyChunks,
} from './envelope.js';
import { jsonText } from './json-guard.js';
import type { RunPersistence, SaveOptions, SaveReason, SaveReceipt } from './run-persistence.js';

/** Namespace of the head records (key = run id). */
export const CHECKPOINT_NAMESPACE = 'checkpoints';
/** Namespace of message chunks and memory blobs (events go to the runtime's `events` namespace). */
export const CHECKPOINT_DATA_NAMESPACE = 'checkpoint-data';

/** Options of `StoreCheckpointer`. */
export interface StoreCheckpointerOptions {
  store: Store;
  /** Recorded in every head (e.g. the `@agentry/core` version). */
  runtimeVersion: string;
  /**
   * Hash of the agent's resolved config. When given, `load` refuses a
   * checkpoint written under another hash (`checkpoint.mismatch`), and an
   * agent that returns `undefined` is treated as no longer configured.
   */
  configHash?: (agentId: string) => string | undefined;
  /**
   * Up to this many bytes of new messages/events stay inline in the head;
   * beyond it they are flushed to a chunk. `0` writes a chunk on every save
   * that adds messages or events. Default 4 KiB.
   */
  inlineTailBytes?: number;
  /** Time source for `savedAt`. */
  now?: () => number;
}

/** What the checkpointer remembers of a run between saves in this process. */
interface RunTrack {
  messages: CheckpointLog;
  generation: number;
  /** The last and first persisted message, by reference, with the last one's canonical text as fallback. */
  lastMessage: Message | undefined;
  lastMessageText: string;
  firstMessage: Message | undefined;
  events: EventTail;
  /** The events block this process wrote last for the run (so the next flush need not read it back). */
  eventBlock?: OpenBlock | undefined;
  memoryRef: readonly Message[] | undefined;
  memory: { key: string; count: number; digest: string };
  /** Chunks of a replaced message generation, deleted once the head no longer references them. */
  stale?: { generation: number; chunks: number };
}

/** Events not yet written under their own keys, kept inline in the head. */
interface EventTail {
  flushedSeq: number;
  tail: InlineTail;
}

/**
 * Saves whose write need not be flushed before it is acknowledged
 * (`StoreSetOptions.deferFlush`): each is followed by a flushed write before
 * anything with side effects happens — `tool.started` before a tool with side
 * effects runs, the run's final save before its result is returned — and a
 * flushed write flushes every earlier one. A store backend that crashes may
 * lose the deferred ones; the run then resumes from an earlier checkpoint,
 * repeating model calls and side-effect-free tools, retrying idempotent calls
 * under their key, and stopping at `outcome_unknown` for unsafe ones.
 */
const DEFERRED_REASONS: ReadonlySet<SaveReason> = new Set<SaveReason>([
  'run.started',
  'model.responded',
  'tool.finished',
]);
const DEFERRED = { deferFlush: true } as const;

const messageKey = (runId: string, generation: number, index: number) =>
  `msg:${runId}:${generation}:${index}`;

function eventTailFrom(ref: CheckpointEnvelope['events']): EventTail {
  return {
    flushedSeq: ref.flushedSeq,
    tail: appendTail(emptyTail(), ref.tail.map(encodeEvent)),
  };
}

/**
 * Persists durable runs in a `Store`. Per save it validates only what is new
 * (the delta and the small head), writes new chunks first and the head last,
 * so a crash between writes leaves the previous checkpoint whole.
 *
 * @example
 * ```ts
 * const persistence = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
 * await persistence.save(snapshot, events, 'model.responded');
 * const restored = await persistence.load(snapshot.runId);
 * ```
 */
export class StoreCheckpointer implements RunPersistence {
  readonly durable = true;
  readonly #store: Store;
  readonly #options: StoreCheckpointerOptions;
  readonly #inlineTailBytes: number;
  readonly #tracks = new Map<string, RunTrack>();
  readonly #pending = new Map<string, Promise<SaveReceipt>>();

  constructor(options: StoreCheckpointerOptions) {
    this.#store = options.store;
    this.#options = options;
    this.#inlineTailBytes = options.inlineTailBytes ?? 4 * 1024;
  }

  /**
   * Makes `snapshot` the run's checkpoint; see `RunPersistence.save`. Saves of
   * one run are applied one after another, in call order.
   */
  save(
    snapshot: RunSnapshot,
    events: EncodedRunEvents,
    reason: SaveReason,
    saveOptions: SaveOptions = {},
  ): Promise<SaveReceipt> {
    const runId = snapshot.runId;
    const previous = this.#pending.get(runId);
    const current =
      previous === undefined
        ? this.#saveNow(snapshot, events, reason, saveOptions)
        : previous.catch(() => {}).then(() => this.#saveNow(snapshot, events, reason, saveOptions));
    this.#pending.set(runId, current);
    const ending = reason === 'run.finished' || reason === 'run.suspended';
    const settle = () => {
      if (this.#pending.get(runId) !== current) return;
      this.#pending.delete(runId);
      // Also when the final save failed: nothing of the run stays behind in this process.
      if (ending) this.#tracks.delete(runId);
    };
    current.then(settle, settle);
    return current;
  }

  async #saveNow(
    snapshot: RunSnapshot,
    events: EncodedRunEvents,
    reason: SaveReason,
    { fence }: SaveOptions,
  ): Promise<SaveReceipt> {
    const runId = snapshot.runId;
    // A fresh run has no stored head to continue (its id is new): nothing to read.
    const fresh = reason === 'run.started' && snapshot.step === 0 && snapshot.resumes === undefined;
    const track = this.#tracks.get(runId) ?? (fresh ? trackOf(undefined) : await this.#trackFromStore(runId));
    const next: RunTrack = { ...track };
    const writes: { key: string; value: JsonValue }[] = [];
    /** JSON text length of the deltas written before the head. */
    let deltaBytes = 0;

    this.#appendMessages(next, snapshot.patternState.messages);
    if (snapshot.memoryMessages !== track.memoryRef) {
      const text = jsonText(snapshot.memoryMessages, 'memoryMessages');
      const digest = snapshot.memoryMessages.length === 0 ? '' : textDigest(text);
      if (digest === '') {
        next.memory = { key: '', count: 0, digest: '' };
      } else if (digest !== track.memory.digest) {
        const key = `mem:${runId}:${digest.slice(0, 16)}`;
        writes.push({ key, value: text });
        deltaBytes += text.length;
        next.memory = { key, count: snapshot.memoryMessages.length, digest };
      }
      next.memoryRef = snapshot.memoryMessages;
    }
    if (events.items.length > 0) {
      const expected = next.events.flushedSeq + next.events.tail.texts.length + 1;
      if (events.firstSeq !== expected) {
        throw new Error(
          `Checkpoint of run ${runId}: events start at seq ${events.firstSeq}, expected ${expected} (events must be saved in order, without gaps)`,
        );
      }
      next.events = { flushedSeq: next.events.flushedSeq, tail: appendTail(next.events.tail, events.items) };
    }
    const ending = reason === 'run.finished' || reason === 'run.suspended';
    const eventTail = next.events.tail;
    let flushEvents: EncodedRunEvents | undefined;
    if (eventTail.texts.length > 0 && (ending || eventTail.bytes > this.#inlineTailBytes)) {
      flushEvents = { ...events, firstSeq: next.events.flushedSeq + 1, items: eventTail.texts };
      deltaBytes += eventTail.bytes;
      next.events = { flushedSeq: next.events.flushedSeq + eventTail.texts.length, tail: emptyTail() };
    }
    if (next.messages.tail.bytes > this.#inlineTailBytes) {
      deltaBytes += next.messages.tail.bytes;
      const flushed = flushLog(next.messages);
      writes.push({ key: messageKey(runId, next.generation, next.messages.chunks), value: flushed.chunk });
      next.messages = flushed.log;
    }

    const { messages: _messages, ...patternRest } = snapshot.patternState;
    const { patternState: _pattern, memoryMessages: _memory, ...snapshotRest } = snapshot;
    const body: HeadBody = {
      runtimeVersion: this.#options.runtimeVersion,
      agentId: snapshot.agentId,
      configHash: this.#options.configHash?.(snapshot.agentId) ?? '',
      step: snapshot.step,
      reason,
      savedAt: new Date(this.#options.now?.() ?? Date.now()).toISOString(),
      snapshot: { ...snapshotRest, patternState: patternRest } as unknown as HeadBody['snapshot'],
      messages: {
        generation: next.generation,
        chunks: next.messages.chunks,
        count: next.messages.count,
        digest: next.messages.digest,
      },
      memory: next.memory,
      events: { flushedSeq: next.events.flushedSeq },
      eventSeq: snapshot.eventSeq,
    };
    // Made now, before any await: the live snapshot may change while the writes are in flight.
    const headText = sealEnvelope(jsonText(body, 'checkpoint'), next.messages.tail, next.events.tail);

    const deferred = DEFERRED_REASONS.has(reason) ? DEFERRED : undefined;
    const options = fence === undefined ? deferred : { ...deferred, fence };
    if (writes.length > 0 || flushEvents !== undefined) {
      const [, eventBlock] = await Promise.all([
        writes.length > 0
          ? this.#store.setMany(
              CHECKPOINT_DATA_NAMESPACE,
              writes,
              fence === undefined ? undefined : { fence },
            )
          : undefined,
        flushEvents === undefined
          ? next.eventBlock
          : writeEncodedRunEvents(this.#store, flushEvents, next.eventBlock, options),
      ]);
      next.eventBlock = eventBlock;
      crashPoint('delta-written');
    }
    if (this.#store.setJsonText)
      await this.#store.setJsonText(CHECKPOINT_NAMESPACE, runId, headText, options);
    else await this.#store.set(CHECKPOINT_NAMESPACE, runId, JSON.parse(headText) as JsonValue, options);
    if (next.stale !== undefined) {
      await this.#deleteChunks(runId, next.stale.generation, next.stale.chunks);
      next.stale = undefined;
    }
    // A run that ends or suspends here is done in this process: `load` rebuilds its track when it resumes.
    if (ending) this.#tracks.delete(runId);
    else this.#tracks.set(runId, next);
    // `model-response`, `tool-started` and `tool-checkpoint` are placed by the runtime (model-call, bound-tool).
    if (reason === 'model.responded') crashPoint('model-checkpoint');
    return { bytes: headText.length + deltaBytes, version: CHECKPOINT_SCHEMA_VERSION };
  }

  /** The run's latest checkpoint; see `RunPersistence.load`. */
  async load(runId: string): Promise<RunSnapshot | undefined> {
    const envelope = await this.#readHead(runId);
    if (envelope === undefined) return undefined;
    this.#checkOwner(runId, envelope);
    const { messages, memory } = envelope;
    const keys: string[] = [];
    for (let index = 0; index < messages.chunks; index++)
      keys.push(messageKey(runId, messages.generation, index));
    if (memory.key !== '') keys.push(memory.key);
    const values = keys.length === 0 ? [] : await this.#store.getMany(CHECKPOINT_DATA_NAMESPACE, keys);
    const chunkItems = verifyChunks(runId, 'message', values.slice(0, messages.chunks), messages.digest);
    const persisted = [...chunkItems, ...messages.tail] as unknown as Message[];
    let memoryMessages: Message[] = [];
    if (memory.key !== '') {
      const blob = values[messages.chunks];
      if (typeof blob !== 'string' || textDigest(blob) !== memory.digest) {
        throw new CheckpointError('checkpoint.corrupt', {
          message: `Checkpoint of run ${runId} is corrupt: its memory messages are missing or altered`,
          hint: 'The run is parked; start it again.',
          context: { runId },
        });
      }
      memoryMessages = parseStored(runId, 'memory messages', blob) as unknown as Message[];
    }
    const snapshot = envelope.snapshot as unknown as RunSnapshot;
    const patternState = { ...snapshot.patternState, messages: persisted } as PatternState;
    const restored: RunSnapshot = { ...snapshot, patternState, memoryMessages };
    const lastMessage = persisted.at(-1);
    this.#tracks.set(runId, {
      messages: {
        chunks: messages.chunks,
        count: messages.count,
        digest: messages.digest,
        tail: tailFrom(messages.tail),
      },
      generation: messages.generation,
      lastMessage,
      lastMessageText: lastMessage === undefined ? '' : JSON.stringify(lastMessage),
      firstMessage: persisted[0],
      events: eventTailFrom(envelope.events),
      memoryRef: memoryMessages,
      memory,
    });
    return restored;
  }

  /**
   * The run's persisted events with `seq > afterSeq`, in order: those written
   * under their own keys plus those still inline in the head. Events emitted
   * after the last acknowledged checkpoint of a crashed process are not here
   * (the resumed run emits them again under the same seqs).
   */
  async events(runId: string, options: { afterSeq?: number } = {}): Promise<AnyAgentryEvent[]> {
    return readCheckpointedEvents(this.#store, runId, options.afterSeq);
  }

  /** Reads and verifies the head only (no chunks); `undefined` when the run has no checkpoint. */
  async head(runId: string): Promise<CheckpointEnvelope | undefined> {
    return this.#readHead(runId);
  }

  /** Deletes the run's head, chunks and memory blob. */
  async discard(runId: string): Promise<void> {
    const stored = await this.#store.get(CHECKPOINT_NAMESPACE, runId);
    this.#tracks.delete(runId);
    if (stored === undefined) return;
    await this.#store.delete(CHECKPOINT_NAMESPACE, runId);
    let envelope: CheckpointEnvelope;
    try {
      envelope = openEnvelope(runId, stored);
    } catch {
      return;
    }
    const { messages, memory } = envelope;
    const keys: string[] = [];
    for (let index = 0; index < messages.chunks; index++)
      keys.push(messageKey(runId, messages.generation, index));
    if (memory.key !== '') keys.push(memory.key);
    await Promise.all(keys.map((key) => this.#store.delete(CHECKPOINT_DATA_NAMESPACE, key)));
  }

  /** Forgets what this process knows of a run (the next save re-reads its head). */
  forget(runId: string): void {
    this.#tracks.delete(runId);
  }

  /** Best effort: leftovers are harmless (no head references them), so a failed delete is ignored. */
  async #deleteChunks(runId: string, generation: number, chunks: number): Promise<void> {
    const keys = Array.from({ length: chunks }, (_, index) => messageKey(runId, generation, index));
    await Promise.all(keys.map((key) => this.#store.delete(CHECKPOINT_DATA_NAMESPACE, key))).catch(() => {});
  }

  async #readHead(runId: string): Promise<CheckpointEnvelope | undefined> {
    const stored = await this.#store.get(CHECKPOINT_NAMESPACE, runId);
    return stored === undefined ? undefined : openEnvelope(runId, stored);
  }

  #checkOwner(runId: string, envelope: CheckpointEnvelope): void {
    const expected = this.#options.configHash?.(envelope.agentId);
    if (this.#options.configHash === undefined || expected === envelope.configHash) return;
    throw new CheckpointError('checkpoint.mismatch', {
      message:
        expected === undefined
          ? `Checkpoint of run ${runId} belongs to agent "${envelope.agentId}", which is not configured here`
          : `Checkpoint of run ${runId} was written under another config of agent "${envelope.agentId}" (hash ${envelope.configHash.slice(0, 12)}, now ${expected.slice(0, 12)})`,
      hint: 'Resume it with the config it was started with, or start the run again.',
      context: { runId, agentId: envelope.agentId },
    });
  }

  /** A track for a run this process has not saved or loaded: continue its stored logs, rewrite messages once. */
  async #trackFromStore(runId: string): Promise<RunTrack> {
    const stored = await this.#store.get(CHECKPOINT_NAMESPACE, runId);
    if (stored === undefined) return trackOf(undefined);
    try {
      return trackOf(openEnvelope(runId, stored));
    } catch {
      // An unreadable head is being replaced: use a generation no earlier chunk can have.
      return { ...trackOf(undefined), generation: Date.now() };
    }
  }

  /** Appends the messages new since the last save, or starts a new generation when history was rewritten. */
  #appendMessages(next: RunTrack, messages: readonly Message[]): void {
    const persisted = next.messages.count;
    let appendOnly = messages.length >= persisted;
    if (appendOnly && persisted > 0) {
      const first = messages[0];
      const last = messages[persisted - 1];
      appendOnly =
        (first === next.firstMessage || sameJson(first, next.firstMessage)) &&
        (last === next.lastMessage ||
          jsonText(last, `patternState.messages[${persisted - 1}]`) === next.lastMessageText);
      // Same content under new references (a pattern that clones): compare by reference next time.
      next.firstMessage = first;
      next.lastMessage = last;
    }
    if (!appendOnly) {
      if (next.messages.chunks > 0)
        next.stale = { generation: next.generation, chunks: next.messages.chunks };
      next.messages = emptyLog();
      next.generation += 1;
    }
    const start = next.messages.count;
    if (messages.length === start) return;
    const fresh = messages.slice(start);
    const texts = fresh.map((message, index) => jsonText(message, `patternState.messages[${start + index}]`));
    next.messages = appendLog(next.messages, texts);
    next.lastMessage = fresh.at(-1);
    next.lastMessageText = texts.at(-1) ?? '';
    if (start === 0) next.firstMessage = fresh[0];
  }
}

/** A track for a run this process has not saved or loaded: continue its stored logs, rewrite messages once. */
function trackOf(envelope: CheckpointEnvelope | undefined): RunTrack {
  return {
    messages: emptyLog(),
    generation: envelope === undefined ? 0 : envelope.messages.generation + 1,
    lastMessage: undefined,
    lastMessageText: '',
    firstMessage: undefined,
    events: envelope === undefined ? { flushedSeq: 0, tail: emptyTail() } : eventTailFrom(envelope.events),
    memoryRef: undefined,
    memory: envelope?.memory ?? { key: '', count: 0, digest: '' },
    ...(envelope === undefined || envelope.messages.chunks === 0
      ? {}
      : { stale: { generation: envelope.messages.generation, chunks: envelope.messages.chunks } }),
  };
}

/** Whether two messages have the same JSON text (a pattern that cloned them keeps key order). */
function sameJson(a: Message | undefined, b: Message | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

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
  if (head === undefined) return stored;
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
