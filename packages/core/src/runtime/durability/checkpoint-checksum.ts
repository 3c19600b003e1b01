/**
 * The checksum of a checkpoint head record (format 3): the CRC-32 of the head text, of the inline message
 * tail's text and of the inline event tail's text, as 24 hex digits.
 *
 * Why CRC-32 and not sha256 (format 2): the checksum guards against accidental damage to the stored record —
 * a torn or truncated write, a flipped bit, an edit by hand, a value of another key pasted in — and CRC-32
 * detects that: every error burst up to 32 bits, and any other change but for one in 2^32 per part. A
 * cryptographic hash adds nothing here: the checksum has no key, so whoever can write the store can
 * recompute sha256 as easily as a CRC. What a CRC gives besides is that it extends: a tail's CRC grows with
 * each appended item (`appendTail`), so a save checksums its new items and the head text only, instead of
 * hashing both inline tails again (sha256 over up to ~10 KB per save, about a tenth of a durable step's
 * CPU). The message chunk chain and the memory blob keep their sha256 digests: they are computed once per
 * chunk, and the memory digest also names the blob's key.
 */
import { crc32 } from 'node:zlib';

/** CRC-32 of `text` as UTF-8, continuing from `previous` (the CRC of the text before it; 0 to start). */
export function textCrc(text: string, previous = 0): number {
  return crc32(text, previous);
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** The checksum of a head record from its head text and the CRCs of its two tails' texts. */
export function headChecksum(headText: string, messagesCrc: number, eventsCrc: number): string {
  return `${hex8(textCrc(headText))}${hex8(messagesCrc)}${hex8(eventsCrc)}`;
}

/** The text of a stored array's items, as the tail text it was made from (`tailText`). */
export function itemsText(items: readonly unknown[]): string {
  return JSON.stringify(items).slice(1, -1);
}
