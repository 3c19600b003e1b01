/**
 * In-process state of the append-only parts of a checkpoint (messages, events):
 * the inline tail kept in the head, and for messages the chunk count and chain
 * digest. Items are kept as their JSON texts, made once when they are
 * appended: appending costs O(new items), and later changes to the live run
 * state cannot reach what was persisted.
 *
 * Each tail carries the CRC-32 of its text, extended as items are appended, so a save checksums only what is
 * new (see `checkpoint-checksum.ts`). Chunk digests are sha256, computed once per chunk when it is written.
 */
import { hash } from 'node:crypto';
import { textCrc } from './checkpoint-checksum.js';

/** Items not yet in a chunk. Immutable: appending returns a new tail, so a failed write changes nothing. */
export interface InlineTail {
  /** The items' JSON texts, in order. */
  readonly texts: readonly string[];
  /** Total length of the texts. */
  readonly bytes: number;
  /** CRC-32 of the tail's stored text (`tailText`), as `textCrc` gives it; 0 for an empty tail. */
  readonly crc: number;
}

/** The message log: chunks written so far, their chain digest, and the inline tail. */
export interface CheckpointLog {
  readonly chunks: number;
  /** Items in the chunks and the tail together. */
  readonly count: number;
  readonly digest: string;
  readonly tail: InlineTail;
}

const EMPTY_TAIL: InlineTail = Object.freeze({
  texts: Object.freeze([]) as readonly string[],
  bytes: 0,
  crc: 0,
});

/** An empty tail. */
export function emptyTail(): InlineTail {
  return EMPTY_TAIL;
}

/** Appends items given as JSON texts (already validated); the CRC is extended over the new texts only. */
export function appendTail(tail: InlineTail, texts: readonly string[]): InlineTail {
  if (texts.length === 0) return tail;
  let bytes = tail.bytes;
  for (const text of texts) bytes += text.length;
  const added = texts.length === 1 ? texts[0]! : texts.join(',');
  const crc = textCrc(tail.texts.length === 0 ? added : `,${added}`, tail.crc);
  return { texts: [...tail.texts, ...texts], bytes, crc };
}

/** The stored form of a tail or chunk: its texts joined by `,` (the inside of a JSON array). */
export function tailText(tail: InlineTail): string {
  return tail.texts.join(',');
}

/** Hex sha256 of a stored tail or chunk text: the digest the checksum and chunk chain hold. */
export function textDigest(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Next chain digest after a chunk with this digest. */
export function chainDigest(previous: string, chunkDigest: string): string {
  return hash('sha256', `${previous}\n${chunkDigest}`, 'hex');
}

/** Rebuilds a tail from items read back from a verified head. */
export function tailFrom(items: readonly unknown[]): InlineTail {
  return appendTail(
    emptyTail(),
    items.map((item) => JSON.stringify(item)),
  );
}

/** A log with nothing in it. */
export function emptyLog(): CheckpointLog {
  return { chunks: 0, count: 0, digest: '', tail: emptyTail() };
}

/** Appends validated items (as JSON texts) to the log's tail. */
export function appendLog(log: CheckpointLog, texts: readonly string[]): CheckpointLog {
  return { ...log, count: log.count + texts.length, tail: appendTail(log.tail, texts) };
}

/** Moves the tail into a new chunk: returns the chunk text to write (before the head) and the log after it. */
export function flushLog(log: CheckpointLog): { chunk: string; log: CheckpointLog } {
  const chunk = tailText(log.tail);
  return {
    chunk,
    log: {
      chunks: log.chunks + 1,
      count: log.count,
      digest: chainDigest(log.digest, textDigest(chunk)),
      tail: emptyTail(),
    },
  };
}
