/** Caps a tool output's size before it reaches the model and the checkpoint, leaving a marker that says what was cut. */
import type { JsonValue } from '../../contracts/json.js';
import { DEFAULT_MAX_TOOL_OUTPUT_BYTES } from '../agent/agent-setup.js';

/** What `capToolOutput` returns. */
export interface CappedToolOutput {
  /** The output itself when it fits, otherwise a string: the start of its JSON text plus a marker. */
  output: JsonValue;
  truncated: boolean;
  /** UTF-8 size of the original output's text (a string as is, any other value as JSON). */
  bytes: number;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, not splitting a surrogate pair. */
function utf8Prefix(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes so no character is cut in half.
  while (end > 0 && ((buffer[end] as number) & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

/**
 * True when the JSON text of `value` certainly fits in `maxBytes` UTF-8 bytes,
 * found without encoding it: every string counts 6 bytes per code unit (the
 * longest escape) plus its quotes, every other primitive 24 bytes, every
 * separator one. False means "maybe not" (or a value that is not plain JSON:
 * `undefined`, a function, a bigint, a symbol, an object with `toJSON`).
 */
export function certainlyWithin(value: unknown, maxBytes: number): boolean {
  return bytesLeft(value, maxBytes, 0) >= 0;
}

/**
 * `left` less the most bytes the JSON text of `item` can take; negative as soon as it may not fit, or for a
 * value that is not plain JSON. A plain function, not a closure: it runs twice for every tool call.
 */
function bytesLeft(item: unknown, left: number, depth: number): number {
  if (typeof item === 'string') return left - (6 * item.length + 3);
  if (item === null || typeof item === 'number' || typeof item === 'boolean') return left - 25;
  if (typeof item !== 'object' || depth > 32) return -1;
  if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return -1;
  let remaining = left - 2;
  if (Array.isArray(item)) {
    for (const element of item) {
      remaining = bytesLeft(element, remaining, depth + 1);
      if (remaining < 0) return remaining;
    }
  } else {
    for (const key in item) {
      remaining = bytesLeft(
        (item as Record<string, unknown>)[key],
        remaining - (6 * key.length + 4),
        depth + 1,
      );
      if (remaining < 0) return remaining;
    }
  }
  return remaining;
}

/**
 * Keeps a tool output within `maxBytes` (UTF-8 bytes of its text: a string
 * as is, any other value as JSON).
 * An output that fits is returned unchanged. A larger one becomes a string:
 * for a string output its beginning, for any other value the beginning of its
 * JSON text, followed by the marker
 * `[output truncated: showing <n> of <total> bytes]`, so the model knows it
 * saw part of the result. The cap applies to what the model sees and what is
 * checkpointed; the tool itself ran once, in full.
 *
 * @param maxBytes The agent's `maxToolOutputBytes` (default 64 KiB); values below 256 are raised to 256.
 */
export function capToolOutput(output: JsonValue, maxBytes = DEFAULT_MAX_TOOL_OUTPUT_BYTES): CappedToolOutput {
  const limit = Math.max(256, Math.floor(maxBytes));
  // Most outputs are far below the cap: bounded without encoding them (their size is encoded when read).
  if (typeof output !== 'string' && certainlyWithin(output, limit)) return new FittingOutput(output);
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  // Cheap exit: a UTF-8 character is at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 <= limit) return { output, truncated: false, bytes: Buffer.byteLength(text, 'utf8') };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= limit) return { output, truncated: false, bytes };
  const marker = (shown: number) => `\n[output truncated: showing ${shown} of ${bytes} bytes]`;
  const head = utf8Prefix(text, limit - Buffer.byteLength(marker(limit), 'utf8'));
  return { output: head + marker(Buffer.byteLength(head, 'utf8')), truncated: true, bytes };
}

/** The result for an output that fits: `bytes` is computed when it is first read. */
class FittingOutput implements CappedToolOutput {
  readonly truncated = false;
  #bytes: number | undefined;

  constructor(readonly output: JsonValue) {}

  get bytes(): number {
    this.#bytes ??= Buffer.byteLength(JSON.stringify(this.output), 'utf8');
    return this.#bytes;
  }
}
