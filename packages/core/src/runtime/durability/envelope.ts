/**
 * The versioned, checksummed head record of a durable run's checkpoint: its
 * stored form, sealing and verification.
 *
 * Stored form (namespace `checkpoints`, key = run id):
 * `{ schemaVersion, checksum, head, messages, events }` where `head` is the
 * envelope without its two inline tails, and `messages` / `events` are the
 * tails (events as `[type, seq, time, data]`). It is assembled from JSON texts
 * made once per item (`jsonText`) and handed to the store as text
 * (`Store.setJsonText`), so a save serialises only what is new. The checksum
 * (`checkpoint-checksum.ts`) covers those texts; a verified read re-serialises
 * the parsed record, which gives the same text because `JSON.stringify` output
 * round-trips exactly. Format 2 records (sha256 checksum) are read through
 * `fromVersion2`.
 */
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { JsonObject, JsonValue } from '../../contracts/json.js';
import { CheckpointError } from '../../errors/agentry-error.js';
import { eventsOf } from '../records/event-log.js';
import { headChecksum, itemsText, textCrc } from './checkpoint-checksum.js';
import { chainDigest, type InlineTail, tailText, textDigest } from './checkpointer-log.js';
import { fromVersion2 } from './envelope-v2.js';
import { snapshotProblem } from './snapshot-guard.js';

/** Namespace of the head records (key = run id). */
export const CHECKPOINT_NAMESPACE = 'checkpoints';
/** Namespace of message chunks and memory blobs (events go to the runtime's `events` namespace). */
export const CHECKPOINT_DATA_NAMESPACE = 'checkpoint-data';

/** The envelope schema version this core writes and reads. */
export const CHECKPOINT_SCHEMA_VERSION = 3;

/**
 * One step of the checkpoint format: reads a stored head record of one version (checking it by that
 * version's rules) and returns the stored record of the next version, sealed (see `sealEnvelope`).
 */
export type CheckpointMigration = (stored: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Migrations by the version they read: format 2 differs from 3 by its checksum only (`fromVersion2`). */
export const CHECKPOINT_MIGRATIONS: ReadonlyMap<number, CheckpointMigration> = new Map([[2, fromVersion2]]);

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
  /** CRC-32 of the stored head text and of each stored tail's text (`headChecksum`). */
  checksum: string;
}

/** What the head text holds: the envelope without its tails and checksum. */
export type HeadBody = Omit<CheckpointEnvelope, 'schemaVersion' | 'checksum' | 'messages' | 'events'> & {
  messages: Omit<MessageLogRef, 'tail'>;
  events: Omit<EventTailRef, 'tail'>;
};

/**
 * The JSON text of a checkpoint's stored record, from the JSON text of its
 * body (already validated, see `jsonText`) and its two tails.
 */
export function sealEnvelope(headText: string, messageTail: InlineTail, eventTail: InlineTail): string {
  const messagesText = tailText(messageTail);
  const eventsText = tailText(eventTail);
  const checksum = headChecksum(headText, messageTail.crc, eventTail.crc);
  return `{"schemaVersion":${CHECKPOINT_SCHEMA_VERSION},"checksum":"${checksum}","head":${headText},"messages":[${messagesText}],"events":[${eventsText}]}`;
}

/** `checkpoint.corrupt` for the run's checkpoint, saying what is wrong with it. */
export function corrupt(runId: string, detail: string): CheckpointError {
  return new CheckpointError('checkpoint.corrupt', {
    message: `Checkpoint of run ${runId} is corrupt: ${detail}`,
    hint:
      'The run is parked. Inspect the store entry `checkpoints/' +
      runId +
      '`; start the run again if it cannot be repaired.',
    context: { runId },
  });
}

/**
 * `checkpoint.missing`: the run was checkpointed (its first-checkpoint record says so, or its head key
 * holds `null` / `{}`), but its head is gone. Resuming from the input would repeat its side effects.
 */
export function missing(runId: string, detail: string): CheckpointError {
  return new CheckpointError('checkpoint.missing', {
    message: `Checkpoint of run ${runId} is missing: ${detail}`,
    hint:
      'The run is parked and nothing was executed: restore the store entry `checkpoints/' +
      runId +
      '` from a backup, or start a new run (check first which of its tool calls already ran).',
    context: { runId },
  });
}

/** True for a head value that holds nothing (`null`, `{}`): a checkpoint that was there and is lost. */
export function isEmptyHead(value: unknown): boolean {
  return value === null || (isObject(value) && Object.keys(value).length === 0);
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

/** The record as stored (parsed). */
interface StoredHead {
  schemaVersion: typeof CHECKPOINT_SCHEMA_VERSION;
  checksum: string;
  head: HeadBody;
  messages: JsonValue[];
  events: JsonValue[];
}

function unsupportedVersion(runId: string, version: number): CheckpointError {
  return new CheckpointError('checkpoint.unsupported_version', {
    message: `Checkpoint of run ${runId} has schemaVersion ${version}; this Agentry reads version ${CHECKPOINT_SCHEMA_VERSION}`,
    hint:
      version > CHECKPOINT_SCHEMA_VERSION
        ? 'It was written by a newer Agentry: resume it with that version or newer.'
        : 'It was written by an earlier Agentry in a format this one no longer reads: resume it with that version, or start the run again.',
    context: { runId },
  });
}

/**
 * Brings a stored head of `fromVersion` up to `CHECKPOINT_SCHEMA_VERSION`, one migration per version.
 * @throws CheckpointError `checkpoint.unsupported_version` for a newer version or a missing step.
 */
export function migrate(
  runId: string,
  stored: Readonly<Record<string, unknown>>,
  fromVersion: number,
  migrations: ReadonlyMap<number, CheckpointMigration> = CHECKPOINT_MIGRATIONS,
): Record<string, unknown> {
  let current = { ...stored };
  for (let version = fromVersion; version < CHECKPOINT_SCHEMA_VERSION; version += 1) {
    const step = migrations.get(version);
    if (step === undefined) throw unsupportedVersion(runId, fromVersion);
    current = step(current);
  }
  if (current.schemaVersion !== CHECKPOINT_SCHEMA_VERSION) throw unsupportedVersion(runId, fromVersion);
  return current;
}

/** Checks the version (migrating an older one) and the fields of a stored head. */
function checkStored(
  runId: string,
  value: unknown,
  migrations: ReadonlyMap<number, CheckpointMigration>,
): StoredHead {
  if (!isObject(value)) throw corrupt(runId, 'the head record is not a JSON object');
  const version = value.schemaVersion;
  if (typeof version !== 'number') throw corrupt(runId, 'the head record has no schemaVersion');
  let stored = value;
  if (version !== CHECKPOINT_SCHEMA_VERSION) {
    if (!Number.isInteger(version) || version > CHECKPOINT_SCHEMA_VERSION)
      throw unsupportedVersion(runId, version);
    stored = migrate(runId, value, version, migrations);
  }
  if (
    typeof stored.checksum !== 'string' ||
    !isBody(stored.head) ||
    !Array.isArray(stored.messages) ||
    !Array.isArray(stored.events)
  ) {
    throw corrupt(runId, 'the head record does not have the checkpoint shape');
  }
  return stored as unknown as StoredHead;
}

/** Parses stored JSON text of a checkpoint; `checkpoint.corrupt` naming `what` when it is not JSON. */
export function parseStored(runId: string, what: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw corrupt(runId, `its ${what} are not valid JSON`);
  }
}

/**
 * Verifies a stored head: version (migrating an older one), shape, checksum, the snapshot's shape and
 * that it belongs to the run stored under `runId`, and returns it parsed.
 * @throws CheckpointError `checkpoint.unsupported_version` for an unknown or newer `schemaVersion`,
 *   `checkpoint.corrupt` for a bad shape or checksum, or a head of another run or agent.
 */
export function openEnvelope(
  runId: string,
  value: unknown,
  migrations: ReadonlyMap<number, CheckpointMigration> = CHECKPOINT_MIGRATIONS,
): CheckpointEnvelope {
  const stored = checkStored(runId, value, migrations);
  const expected = headChecksum(
    JSON.stringify(stored.head),
    textCrc(itemsText(stored.messages)),
    textCrc(itemsText(stored.events)),
  );
  if (expected !== stored.checksum) throw corrupt(runId, 'the checksum does not match its content');
  const body = stored.head;
  const problem = snapshotProblem(body.snapshot);
  if (problem !== undefined) throw corrupt(runId, problem);
  if (body.snapshot.runId !== runId || body.snapshot.agentId !== body.agentId) {
    throw corrupt(
      runId,
      `its head belongs to run ${String(body.snapshot.runId)} of agent "${String(body.snapshot.agentId)}" (head agent "${body.agentId}"), not to the run stored under this key`,
    );
  }
  const identity = {
    runId: body.snapshot.runId as string,
    sessionId: body.snapshot.sessionId as string,
    agentId: body.agentId,
  };
  let eventTail: AnyAgentryEvent[];
  try {
    eventTail = eventsOf(identity, stored.events);
  } catch {
    throw corrupt(runId, 'its inline events are not valid');
  }
  return {
    ...body,
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    messages: { ...body.messages, tail: stored.messages },
    events: { ...body.events, tail: eventTail },
    checksum: stored.checksum,
  };
}

/**
 * `snapshot.status` of a stored head without verifying it (a corrupt head is
 * reported when it is loaded); `undefined` when it cannot be read.
 */
export function peekStatus(value: unknown): string | undefined {
  if (!isObject(value) || !isObject(value.head) || !isObject(value.head.snapshot)) return undefined;
  const status = value.head.snapshot.status;
  return typeof status === 'string' ? status : undefined;
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
    const chunkItems = parseStored(runId, `${what} chunk ${index}`, `[${chunk}]`) as JsonValue[];
    for (const item of chunkItems) items.push(item);
  }
  if (digest !== expectedDigest)
    throw corrupt(runId, `${what} chunks do not match the head (stale or overwritten)`);
  return items;
}
