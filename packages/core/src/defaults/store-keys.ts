/** Key encoding of keyv-backed stores: namespaces and keys become strings without keyv's `:` separator or wildcards. */
import { StoreError } from '../errors/agentry-error.js';

/** Characters `encodeURIComponent` leaves alone and the replacement below does not touch. */
const UNRESERVED = /^[A-Za-z0-9_.~-]+$/;
const UNRESERVED_AND_COLON = /^[A-Za-z0-9_.~:-]+$/;

/**
 * Encodes a namespace or key so it never contains `:` (keyv's separator),
 * glob or SQL wildcard characters other than `_`; ASCII letters, digits and
 * `-_.~` stay readable. The empty string becomes `%`, which no encoding produces.
 */
export function encodeStoreSegment(text: string, what: string): string {
  if (typeof text !== 'string') {
    throw new StoreError('store.unsupported', {
      message: `${what} must be a string, got ${typeof text}`,
      hint: 'Pass namespaces, keys and lease names as strings.',
    });
  }
  if (text === '') return '%';
  // Most keys (ids, names) need no encoding: skip the two passes over them.
  if (UNRESERVED.test(text)) return text;
  // Keys made of ids joined by `:` (a run's event blocks, `<runId>:b<block>`): only the colons change.
  if (UNRESERVED_AND_COLON.test(text)) return text.replaceAll(':', '%3A');
  try {
    return encodeURIComponent(text).replace(
      /[!'()*]/g,
      (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch (error) {
    throw new StoreError('store.unsupported', {
      message: `${what} ${JSON.stringify(text)} is not well-formed Unicode (it has a lone surrogate)`,
      hint: 'Use well-formed strings as namespaces and keys.',
      cause: error,
    });
  }
}

/** Inverse of `encodeStoreSegment`. */
export function decodeStoreSegment(text: string): string {
  return text === '%' ? '' : decodeURIComponent(text);
}
