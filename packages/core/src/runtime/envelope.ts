/** The versioned, checksummed head record of a durable run's checkpoint: its shape, sealing and verification. */
import type { JsonObject, JsonValue } from '../contracts/json.js';
import { CheckpointError } from '../errors/agentry-error.js';
import { chainDigest, digestOfItems, type InlineTail, tailDigest } from './checkpointer-log.js';
import { canonicalJson, sha256Hex } from './json-guard.js';

/** The envelope schema version this core writes and reads. */
export const CHECKPOINT_SCHEMA_VERSION = 1;

/**
 * An append-only log persisted as numbered chunks plus a small inline tail.
 * `digest` chains the chunks (`sha256(previous digest + chunk text)`), so a
 * chunk that is missing, stale or overwritten is detected on load.
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
  tail: JsonValue[];
}

/** The run's head record, stored under `checkpoints/<runId>`; one atomic write makes a checkpoint visible. */
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
   * store's `events` namespace (one key per seq); newer ones are in `tail`.
   */
  events: EventTailRef;
  eventSeq: number;
  /** sha256 over the canonical JSON of every other field. */
  checksum: string;
}

/** The envelope with both tails blanked: the part whose canonical text starts the checksummed text. */
function coreOf(envelope: Omit<CheckpointEnvelope, 'checksum'>): JsonObject {
  return {
    ...(envelope as unknown as JsonObject),
    messages: { ...(envelope.messages as unknown as JsonObject), tail: null },
    events: { ...(envelope.events as unknown as JsonObject), tail: null },
  };
}

function checksumText(coreText: string, messageTailDigest: string, eventTailDigest: string): string {
  return sha256Hex(`${coreText}\n${messageTailDigest}\n${eventTailDigest}`);
}

/**
 * The checksum of an envelope: sha256 over the canonical JSON of everything
 * but the two tails and the checksum, then the digests of the tails' canonical
 * texts (so a save hashes only what is new; see `InlineTail`).
 */
export function checksumOf(envelope: Omit<CheckpointEnvelope, 'checksum'>): string {
  return checksumText(
    canonicalJson(coreOf(envelope), 'checkpoint'),
    digestOfItems(envelope.messages.tail),
    digestOfItems(envelope.events.tail),
  );
}

/**
 * Validates the envelope and returns a detached copy with its checksum: the
 * fixed part is parsed back from its canonical text and the tails are copies
 * made when their items were appended, so later changes to the live run state
 * can never make the stored head differ from what the checksum covers.
 * @throws CheckpointError `checkpoint.not_serializable` naming the path.
 */
export function sealEnvelope(
  envelope: Omit<CheckpointEnvelope, 'checksum' | 'messages' | 'events'> & {
    messages: Omit<MessageLogRef, 'tail'>;
    events: Omit<EventTailRef, 'tail'>;
  },
  messageTail: InlineTail,
  eventTail: InlineTail,
  /** When given, receives the approximate size of the sealed head (its JSON text length). */
  size?: { bytes: number },
): CheckpointEnvelope {
  const blank = {
    ...envelope,
    messages: { ...envelope.messages, tail: [] },
    events: { ...envelope.events, tail: [] },
  };
  const coreText = canonicalJson(coreOf(blank), 'checkpoint');
  const sealed = JSON.parse(coreText) as CheckpointEnvelope;
  sealed.messages.tail = [...messageTail.items];
  sealed.events.tail = [...eventTail.items];
  sealed.checksum = checksumText(coreText, tailDigest(messageTail), tailDigest(eventTail));
  // The core text, the tails' items with their commas, and the checksum field (`,"checksum":"<64 hex>"`).
  if (size) size.bytes = coreText.length + messageTail.bytes + eventTail.bytes + 78;
  return sealed;
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

function isLogRef(value: unknown): value is LogRef {
  return (
    isObject(value) &&
    Number.isInteger(value.chunks) &&
    Number.isInteger(value.count) &&
    typeof value.digest === 'string' &&
    Array.isArray(value.tail)
  );
}

/**
 * Verifies a stored head: shape, schema version and checksum.
 * @throws CheckpointError `checkpoint.unsupported_version` for an unknown or
 *   newer `schemaVersion`, `checkpoint.corrupt` for a bad shape or checksum.
 */
export function openEnvelope(runId: string, stored: unknown): CheckpointEnvelope {
  if (!isObject(stored)) throw corrupt(runId, 'the head record is not a JSON object');
  const version = stored.schemaVersion;
  if (typeof version !== 'number') throw corrupt(runId, 'the head record has no schemaVersion');
  if (version !== CHECKPOINT_SCHEMA_VERSION) {
    throw new CheckpointError('checkpoint.unsupported_version', {
      message: `Checkpoint of run ${runId} has schemaVersion ${version}; this Agentry reads version ${CHECKPOINT_SCHEMA_VERSION}`,
      hint:
        version > CHECKPOINT_SCHEMA_VERSION
          ? `It was written by a newer Agentry (${String(stored.runtimeVersion)}): resume it with that version or newer.`
          : 'The checkpoint format is unknown: the run cannot be resumed; start it again.',
      context: { runId },
    });
  }
  const messages = stored.messages;
  const events = stored.events;
  const memory = stored.memory;
  if (
    typeof stored.runtimeVersion !== 'string' ||
    typeof stored.agentId !== 'string' ||
    typeof stored.configHash !== 'string' ||
    !Number.isInteger(stored.step) ||
    !Number.isInteger(stored.eventSeq) ||
    typeof stored.checksum !== 'string' ||
    !isObject(stored.snapshot) ||
    !isObject(stored.snapshot.patternState) ||
    !isLogRef(messages) ||
    !Number.isInteger((messages as unknown as Record<string, unknown>).generation) ||
    !isObject(events) ||
    !Number.isInteger(events.flushedSeq) ||
    !Array.isArray(events.tail) ||
    !isObject(memory) ||
    typeof memory.key !== 'string' ||
    typeof memory.digest !== 'string'
  ) {
    throw corrupt(runId, 'the head record does not have the checkpoint shape');
  }
  const envelope = stored as unknown as CheckpointEnvelope;
  const { checksum, ...rest } = envelope;
  let expected: string;
  try {
    expected = checksumOf(rest);
  } catch (error) {
    throw corrupt(runId, `it holds a value that is not JSON (${(error as Error).message})`);
  }
  if (expected !== checksum) throw corrupt(runId, 'the checksum does not match its content');
  return envelope;
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
    if (!Array.isArray(chunk)) throw corrupt(runId, `${what} chunk ${index} is missing or not an array`);
    digest = chainDigest(digest, digestOfItems(chunk));
    for (const item of chunk) items.push(item);
  }
  if (digest !== expectedDigest)
    throw corrupt(runId, `${what} chunks do not match the head (stale or overwritten)`);
  return items;
}
