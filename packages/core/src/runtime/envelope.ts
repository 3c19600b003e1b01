/**
 * The versioned, checksummed head record of a durable run's checkpoint: its
 * stored form, sealing and verification.
 *
 * Stored form (namespace `checkpoints`, key = run id), all text made once:
 * `{ schemaVersion, checksum, head, messages, events }` where `head` is the JSON
 * text of everything but the two inline tails, and `messages` / `events` are
 * the tails' item texts joined by `,`. The checksum covers exactly the stored
 * texts, so nothing is re-serialised to verify it, and a store only has to
 * encode five strings per checkpoint.
 */
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { JsonObject, JsonValue } from '../contracts/json.js';
import { CheckpointError } from '../errors/agentry-error.js';
import { chainDigest, type InlineTail, tailDigest, tailText, textDigest } from './checkpointer-log.js';
import { decodeEvents } from './event-log.js';

/** The envelope schema version this core writes and reads. */
export const CHECKPOINT_SCHEMA_VERSION = 2;

/**
 * An append-only log persisted as numbered chunks plus a small inline tail.
 * `digest` chains the chunks (`sha256(previous digest + "\n" + sha256(chunk text))`),
 * so a chunk that is missing, stale or overwritten is detected on load.
 */
export interface LogRef {
  /** Chunks written so far (keys `…:0` to `…:chunks-1`). */
  chunks: number;
  /** Items in the chunks and the tail together. */
  count: number;
  digest: string;
  /** Items newer than the last chunk, kept in the head until they reach the flush size. */
  tail: JsonValue[];
}

/** The `messages` log: a new generation starts whenever the pattern rewrote history. */
export interface MessageLogRef extends LogRef {
  generation: number;
}

/** Where the run's persisted events stand. */
export interface EventTailRef {
  flushedSeq: number;
  /** Events newer than `flushedSeq`, kept in the head. */
  tail: AnyAgentryEvent[];
}

/** A verified checkpoint head, as `StoreCheckpointer.head()` returns it. */
export interface CheckpointEnvelope {
  schemaVersion: typeof CHECKPOINT_SCHEMA_VERSION;
  runtimeVersion: string;
  agentId: string;
  configHash: string;
  step: number;
  /** The `SaveReason` of this checkpoint. */
  reason: string;
  /** ISO-8601 time of the save. */
  savedAt: string;
  /** The run snapshot without `patternState.messages` and `memoryMessages` (stored as chunks / a blob). */
  snapshot: JsonObject;
  messages: MessageLogRef;
  /** Key and digest of the memory-messages blob (written once per run). */
  memory: { key: string; count: number; digest: string };
  /**
   * Events of acknowledged checkpoints: those up to `flushedSeq` are in the
   * store's `events` namespace; newer ones are in `tail`.
   */
  events: EventTailRef;
  eventSeq: number;
  /** sha256 over the stored head text and the digests of the stored tails. */
  checksum: string;
}

/** What the head text holds: the envelope without its tails and checksum. */
export type HeadBody = Omit<CheckpointEnvelope, 'schemaVersion' | 'checksum' | 'messages' | 'events'> & {
  messages: Omit<MessageLogRef, 'tail'>;
  events: Omit<EventTailRef, 'tail'>;
};

/** The record as stored. */
export interface StoredHead {
  schemaVersion: typeof CHECKPOINT_SCHEMA_VERSION;
  checksum: string;
  head: string;
  messages: string;
  events: string;
}

function checksumOf(headText: string, messagesDigest: string, eventsDigest: string): string {
  return textDigest(`${headText}\n${messagesDigest}\n${eventsDigest}`);
}

/**
 * The stored record of a checkpoint from the JSON text of its body (already
 * validated, see `jsonText`) and its two tails; `bytes` is its approximate size.
 */
export function sealEnvelope(
  headText: string,
  messageTail: InlineTail,
  eventTail: InlineTail,
): { stored: StoredHead; bytes: number } {
  const stored: StoredHead = {
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    checksum: checksumOf(headText, tailDigest(messageTail), tailDigest(eventTail)),
    head: headText,
    messages: tailText(messageTail),
    events: tailText(eventTail),
  };
  // The texts plus the field names, quotes and the 64-hex checksum.
  return { stored, bytes: headText.length + messageTail.bytes + eventTail.bytes + 140 };
}

function corrupt(runId: string, detail: string): CheckpointError {
  return new CheckpointError('checkpoint.corrupt', {
    message: `Checkpoint of run ${runId} is corrupt: ${detail}`,
    hint:
      'The run is parked. Inspect the store entry `checkpoints/' +
      runId +
      '`; start the run again if it cannot be repaired.',
    context: { runId },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBody(value: unknown): value is HeadBody {
  if (!isObject(value)) return false;
  const { messages, events, memory, snapshot } = value;
  return (
    typeof value.runtimeVersion === 'string' &&
    typeof value.agentId === 'string' &&
    typeof value.configHash === 'string' &&
    Number.isInteger(value.step) &&
    Number.isInteger(value.eventSeq) &&
    isObject(snapshot) &&
    isObject(snapshot.patternState) &&
    typeof snapshot.runId === 'string' &&
    typeof snapshot.sessionId === 'string' &&
    isObject(messages) &&
    Number.isInteger(messages.generation) &&
    Number.isInteger(messages.chunks) &&
    Number.isInteger(messages.count) &&
    typeof messages.digest === 'string' &&
    isObject(events) &&
    Number.isInteger(events.flushedSeq) &&
    isObject(memory) &&
    typeof memory.key === 'string' &&
    typeof memory.digest === 'string'
  );
}

/** Checks the version and the fields of a stored head, before anything is parsed. */
function checkStored(runId: string, stored: unknown): StoredHead {
  if (!isObject(stored)) throw corrupt(runId, 'the head record is not a JSON object');
  const version = stored.schemaVersion;
  if (typeof version !== 'number') throw corrupt(runId, 'the head record has no schemaVersion');
  if (version !== CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointError('checkpoint.unsupported_version', {
      message: `Checkpoint of run ${runId} has schemaVersion ${version}; this Agentry reads version ${CHECKPOINT_SCHEMA_VERSION}`,
      hint:
        version > CHECKPOINT_SCHEMA_VERSION
          ? 'It was written by a newer Agentry: resume it with that version or newer.'
          : 'It was written by an earlier Agentry in a format this one no longer reads: resume it with that version, or start the run again.',
      context: { runId },
    });
  }
  const { checksum, head, messages, events } = stored;
  if (
    typeof checksum !== 'string' ||
    typeof head !== 'string' ||
    typeof messages !== 'string' ||
    typeof events !== 'string'
  ) {
    throw corrupt(runId, 'the head record does not have the checkpoint shape');
  }
  return stored as unknown as StoredHead;
}

/** Parses `[<text>]`, the stored form of a tail or chunk. */
export function parseItems(runId: string, what: string, text: string): JsonValue[] {
  try {
    return JSON.parse(`[${text}]`) as JsonValue[];
  } catch {
    throw corrupt(runId, `its ${what} are not valid JSON`);
  }
}

/**
 * Verifies a stored head: version, shape and checksum, and returns it parsed.
 * @throws CheckpointError `checkpoint.unsupported_version` for an unknown or
 *   other `schemaVersion`, `checkpoint.corrupt` for a bad shape or checksum.
 */
export function openEnvelope(runId: string, value: unknown): CheckpointEnvelope {
  const stored = checkStored(runId, value);
  const expected = checksumOf(stored.head, textDigest(stored.messages), textDigest(stored.events));
  if (expected !== stored.checksum) throw corrupt(runId, 'the checksum does not match its content');
  let body: unknown;
  try {
    body = JSON.parse(stored.head);
  } catch {
    throw corrupt(runId, 'its head is not valid JSON');
  }
  if (!isBody(body)) throw corrupt(runId, 'the head record does not have the checkpoint shape');
  const identity = {
    runId: body.snapshot.runId as string,
    sessionId: body.snapshot.sessionId as string,
    agentId: body.agentId,
  };
  let eventTail: AnyAgentryEvent[];
  try {
    eventTail = decodeEvents(identity, stored.events);
  } catch {
    throw corrupt(runId, 'its inline events are not valid');
  }
  return {
    ...body,
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    messages: { ...body.messages, tail: parseItems(runId, 'inline messages', stored.messages) },
    events: { ...body.events, tail: eventTail },
    checksum: stored.checksum,
  };
}

/**
 * `snapshot.status` of a stored head without verifying it (a corrupt head is
 * reported when it is loaded); `undefined` when it cannot be read.
 */
export function peekStatus(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.head !== 'string') return undefined;
  try {
    const body = JSON.parse(value.head) as { snapshot?: { status?: unknown } };
    return typeof body.snapshot?.status === 'string' ? body.snapshot.status : undefined;
  } catch {
    return undefined;
  }
}

/** Throws `checkpoint.corrupt` for a chunk that is missing or does not chain to the head's digest. */
export function verifyChunks(
  runId: string,
  what: string,
  chunks: readonly (JsonValue | undefined)[],
  expectedDigest: string,
): JsonValue[] {
  let digest = '';
  const items: JsonValue[] = [];
  for (const [index, chunk] of chunks.entries()) {
    if (typeof chunk !== 'string') throw corrupt(runId, `${what} chunk ${index} is missing or not text`);
    digest = chainDigest(digest, textDigest(chunk));
    for (const item of parseItems(runId, `${what} chunk ${index}`, chunk)) items.push(item);
  }
  if (digest !== expectedDigest)
    throw corrupt(runId, `${what} chunks do not match the head (stale or overwritten)`);
  return items;
}
