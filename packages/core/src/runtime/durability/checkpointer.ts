/**
 * `StoreCheckpointer`: the store-backed `RunPersistence` of durable runs. A
 * checkpoint becomes visible through one atomic write of the run's head
 * record; messages and events are appended as deltas written before the head.
 */

import { redactJsonText } from '../../config/redactor.js';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { JsonObject, JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import type { PatternState } from '../../contracts/pattern.js';
import type { Redactor } from '../../contracts/services.js';
import type { Store } from '../../contracts/store.js';
import { CheckpointError, isStoreError } from '../../errors/agentry-error.js';
import type { EncodedRunEvents } from '../records/event-log.js';
import { jsonText } from '../snapshot/json-guard.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import type { RunPersistence, SaveOptions, SaveReason, SaveReceipt } from '../state/run-persistence.js';
import { appendMessages, eventTailFrom, type RunTrack, trackOf } from './checkpoint-track.js';
import {
  applySave,
  DEFERRED,
  DEFERRED_REASONS,
  firstCheckpointKey,
  messageKey,
  type SavePlan,
} from './checkpoint-writes.js';
import { readCheckpointedEvents } from './checkpointed-events.js';
import { appendTail, emptyTail, flushLog, tailFrom, textDigest } from './checkpointer-log.js';
import { crashPoint } from './crash-points.js';
import {
  CHECKPOINT_DATA_NAMESPACE,
  CHECKPOINT_NAMESPACE,
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointEnvelope,
  type CheckpointMigration,
  corrupt,
  type HeadBody,
  isEmptyHead,
  missing,
  openEnvelope,
  parseStored,
  sealEnvelope,
  verifyChunks,
} from './envelope.js';
import { messagesProblem } from './snapshot-guard.js';

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
  /** Migrations of older checkpoint formats, by the version they read (default `CHECKPOINT_MIGRATIONS`). */
  migrations?: ReadonlyMap<number, CheckpointMigration>;
  /**
   * Removes registered secrets from everything written (messages, memory messages, pattern state, pending
   * tool calls); pass the runtime's redactor. A resumed run sees `[redacted]` where a secret was.
   */
  redactor?: Pick<Redactor, 'redactText'>;
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
  /** JSON text without registered secrets; `undefined` when there is no redactor. */
  readonly #redactText: ((text: string) => string) | undefined;
  readonly #tracks = new Map<string, RunTrack>();
  readonly #pending = new Map<string, Promise<SaveReceipt>>();

  constructor(options: StoreCheckpointerOptions) {
    this.#store = options.store;
    this.#options = options;
    this.#inlineTailBytes = options.inlineTailBytes ?? 4 * 1024;
    const redactor = options.redactor;
    this.#redactText = redactor ? (text) => redactJsonText(redactor, text) : undefined;
  }

  /** `text` (JSON) without registered secrets. */
  #redact(text: string): string {
    return this.#redactText ? this.#redactText(text) : text;
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
    { fence, also, releaseLease, fresh }: SaveOptions,
  ): Promise<SaveReceipt> {
    const runId = snapshot.runId;
    // A run's first save has no stored head to continue: nothing to read.
    const track = this.#tracks.get(runId) ?? (fresh ? trackOf(undefined) : await this.#trackFromStore(runId));
    const plan = this.#planSave(track, snapshot, events, reason);
    const { alsoWritten, leaseReleased } = await applySave(
      this.#store,
      runId,
      plan,
      fence,
      also,
      releaseLease,
    );
    // A run that ends or suspends here is done in this process: `load` rebuilds its track when it resumes.
    if (plan.ending) this.#tracks.delete(runId);
    else this.#tracks.set(runId, plan.next);
    // `model-response`, `tool-started` and `tool-checkpoint` are placed by the runtime (model-call, bound-tool).
    if (reason === 'model.responded') crashPoint('model-checkpoint');
    const receipt = { bytes: plan.headText.length + plan.deltaBytes, version: CHECKPOINT_SCHEMA_VERSION };
    return {
      ...receipt,
      ...(alsoWritten ? { alsoWritten } : {}),
      ...(leaseReleased ? { leaseReleased } : {}),
    };
  }

  /**
   * Plans one save, without awaiting anything: the run's next track, the chunks and blobs to write
   * before the head, the events to flush, and the sealed head text (made now: the live snapshot may
   * change while the writes are in flight).
   */
  #planSave(track: RunTrack, snapshot: RunSnapshot, events: EncodedRunEvents, reason: SaveReason): SavePlan {
    const runId = snapshot.runId;
    const next: RunTrack = { ...track };
    const writes: { key: string; value: JsonValue }[] = [];
    /** JSON text length of the deltas written before the head. */
    let deltaBytes = 0;

    appendMessages(next, snapshot.patternState.messages, this.#redactText);
    if (snapshot.memoryMessages !== track.memoryRef) {
      const text = this.#redact(jsonText(snapshot.memoryMessages, 'memoryMessages'));
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
    const headText = sealEnvelope(
      this.#redact(jsonText(this.#headBody(snapshot, next, reason), 'checkpoint')),
      next.messages.tail,
      next.events.tail,
    );
    const options = DEFERRED_REASONS.has(reason) ? DEFERRED : undefined;
    return { next, writes, flushEvents, headText, deltaBytes, ending, options };
  }

  /** The head text's body: the snapshot without its messages and memory, and where those are stored. */
  #headBody(snapshot: RunSnapshot, next: RunTrack, reason: SaveReason): HeadBody {
    const body = without(snapshot, 'patternState', 'memoryMessages');
    body.patternState = without(snapshot.patternState, 'messages');
    return {
      runtimeVersion: this.#options.runtimeVersion,
      agentId: snapshot.agentId,
      configHash: this.#options.configHash?.(snapshot.agentId) ?? '',
      step: snapshot.step,
      reason,
      savedAt: new Date(this.#options.now?.() ?? Date.now()).toISOString(),
      snapshot: body,
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
  }

  /**
   * Applies a planned save: chunks, blobs and flushed events first, then the head (the one write that
   * makes the checkpoint visible), then the run's first-checkpoint record if it has none yet, then
   * the chunks the head no longer references are deleted. Every write carries `fence` when given.
   */
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
    const items = [...chunkItems, ...messages.tail];
    const messagesFault = messagesProblem('patternState.messages', items);
    if (messagesFault !== undefined) throw corrupt(runId, messagesFault);
    const persisted = items as unknown as Message[];
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
      const parsed = parseStored(runId, 'memory messages', blob);
      const memoryFault = Array.isArray(parsed) ? messagesProblem('memoryMessages', parsed) : 'not a list';
      if (memoryFault !== undefined) throw corrupt(runId, `its memory messages: ${memoryFault}`);
      memoryMessages = parsed as unknown as Message[];
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
      recorded: true,
    });
    return restored;
  }

  /**
   * The run's persisted events with `seq > afterSeq`, in order: those written
   * under their own keys plus those still inline in the head. Events emitted
   * after the last acknowledged checkpoint of a crashed process are not here
   * (the resumed run emits them again under the same seqs).
   */
  async events(runId: string, options: { afterSeq?: number | undefined } = {}): Promise<AnyAgentryEvent[]> {
    return readCheckpointedEvents(this.#store, runId, options.afterSeq);
  }

  /** Reads and verifies the head only (no chunks); `undefined` when the run has no checkpoint. */
  async head(runId: string): Promise<CheckpointEnvelope | undefined> {
    return this.#readHead(runId);
  }

  /** Deletes the run's head, chunks, memory blob and first-checkpoint record. */
  async discard(runId: string): Promise<void> {
    const stored = await this.#store.get(CHECKPOINT_NAMESPACE, runId);
    this.#tracks.delete(runId);
    if (stored === undefined) return;
    await this.#store.delete(CHECKPOINT_NAMESPACE, runId);
    await this.#store.delete(CHECKPOINT_DATA_NAMESPACE, firstCheckpointKey(runId));
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

  /**
   * The run's verified head; `undefined` when the run was never checkpointed.
   * @throws CheckpointError `checkpoint.missing` when the head is gone (deleted, `null`, `{}`) although
   *   the run was checkpointed; `checkpoint.corrupt` when it cannot be read or verified.
   */
  async #readHead(runId: string): Promise<CheckpointEnvelope | undefined> {
    const stored = await this.#storedHead(runId);
    if (stored === undefined) {
      const record = await this.#store.get(CHECKPOINT_DATA_NAMESPACE, firstCheckpointKey(runId));
      if (record === undefined) return undefined;
      throw missing(runId, 'its head was deleted, but its first-checkpoint record shows it was checkpointed');
    }
    if (isEmptyHead(stored)) throw missing(runId, `its head holds ${JSON.stringify(stored)}`);
    return openEnvelope(runId, stored, this.#options.migrations);
  }

  /** The stored head as the store returns it; a value the store cannot read back is `checkpoint.corrupt`. */
  async #storedHead(runId: string): Promise<JsonValue | undefined> {
    try {
      return await this.#store.get(CHECKPOINT_NAMESPACE, runId);
    } catch (error) {
      if (isStoreError(error) && error.code === 'store.corrupt') throw corrupt(runId, error.message);
      throw error;
    }
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
    const stored = await this.#storedHead(runId).catch(() => null);
    if (stored === undefined) return trackOf(undefined);
    try {
      return trackOf(openEnvelope(runId, stored, this.#options.migrations));
    } catch {
      // An unreadable head is being replaced: use a generation no earlier chunk can have.
      return { ...trackOf(undefined), generation: Date.now() };
    }
  }
}

/**
 * `value`'s own properties but `omit` and `alsoOmit`, copied key by key (a rest pattern, `{ a, ...rest }`,
 * costs several times more per save).
 */
function without(value: object, omit: string, alsoOmit?: string): JsonObject {
  const source = value as JsonObject;
  const rest: JsonObject = {};
  for (const key of Object.keys(source))
    if (key !== omit && key !== alsoOmit) rest[key] = source[key] as JsonValue;
  return rest;
}
