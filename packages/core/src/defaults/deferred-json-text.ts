/**
 * A `Store.setBatch` text entry whose JSON text is made when `text` is first read. Any store may read it
 * like a plain entry; the memory store keeps the entry itself and reads `text` only when the value is read
 * back, so what is never read is never encoded.
 */
export abstract class DeferredJsonText {
  abstract readonly namespace: string;
  abstract readonly key: string;
  /** The value's JSON text (as `JSON.stringify` makes it), made on first read and kept. */
  abstract get text(): string;
}
