/**
 * In-process state of the append-only parts of a checkpoint (messages, events):
 * the inline tail kept in the head, and for messages the chunk count and chain
 * digest. Appending costs O(new items): items are validated and copied once,
 * and the tail's digest is a running hash.
 */
import { createHash, type Hash } from 'node:crypto';
import type { JsonValue } from '../contracts/json.js';
import { canonicalJson } from './json-guard.js';

/** Items not yet in a chunk. Immutable: appending returns a new tail, so a failed write changes nothing. */
export interface InlineTail {
  /** Detached copies of the items (parsed from their canonical text), safe from later changes of run state. */
  readonly items: readonly JsonValue[];
  /** Size of the items' canonical JSON. */
  readonly bytes: number;
  /** Running sha256 over the canonical texts joined by `,`; copy it before reading. */
  readonly hash: Hash;
}

/** The message log: chunks written so far, their chain digest, and the inline tail. */
export interface CheckpointLog {
  readonly chunks: number;
  /** Items in the chunks and the tail together. */
  readonly count: number;
  readonly digest: string;
  readonly tail: InlineTail;
}

/** An empty tail. */
export function emptyTail(): InlineTail {
  return { items: [], bytes: 0, hash: createHash('sha256') };
}

/** Appends items given as canonical JSON texts (already validated by `canonicalJson`). */
export function appendTail(tail: InlineTail, texts: readonly string[]): InlineTail {
  const hash = tail.hash.copy();
  const items = [...tail.items];
  let bytes = tail.bytes;
  for (const text of texts) {
    hash.update(items.length === 0 ? text : `,${text}`);
    items.push(JSON.parse(text) as JsonValue);
    bytes += text.length;
  }
  return { items, bytes, hash };
}

/** Hex sha256 of the tail's canonical texts joined by `,` (what `digestOfItems` computes from scratch). */
export function tailDigest(tail: InlineTail): string {
  return tail.hash.copy().digest('hex');
}

/** `tailDigest` computed from items (on load and verification). */
export function digestOfItems(items: readonly JsonValue[]): string {
  return createHash('sha256')
    .update(items.map((item) => canonicalJson(item)).join(','))
    .digest('hex');
}

/** Rebuilds a tail from items read back from a verified head. */
export function tailFrom(items: readonly JsonValue[]): InlineTail {
  return appendTail(
    emptyTail(),
    items.map((item) => canonicalJson(item)),
  );
}

/** Next chain digest after a chunk with this tail digest. */
export function chainDigest(previous: string, chunkDigest: string): string {
  return createHash('sha256').update(`${previous}\n${chunkDigest}`).digest('hex');
}

/** A log with nothing in it. */
export function emptyLog(): CheckpointLog {
  return { chunks: 0, count: 0, digest: '', tail: emptyTail() };
}

/** Appends validated items (as canonical texts) to the log's tail. */
export function appendLog(log: CheckpointLog, texts: readonly string[]): CheckpointLog {
  return { ...log, count: log.count + texts.length, tail: appendTail(log.tail, texts) };
}

/** Moves the tail into a new chunk: returns the chunk to write (before the head) and the log after it. */
export function flushLog(log: CheckpointLog): { chunk: JsonValue[]; log: CheckpointLog } {
  return {
    chunk: [...log.tail.items],
    log: {
      chunks: log.chunks + 1,
      count: log.count,
      digest: chainDigest(log.digest, tailDigest(log.tail)),
      tail: emptyTail(),
    },
  };
}
