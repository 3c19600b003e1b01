/** `RandomIdFactory`: prefixed, URL-safe random ids from the crypto RNG. */
import { randomFillSync } from 'node:crypto';
import type { IdFactory } from '../contracts/services.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const POOL_SIZE = 4096;

/** Options of `RandomIdFactory`. */
export interface RandomIdFactoryOptions {
  /** Random characters per id (6 bits each); default 21 (126 bits). Minimum 8. */
  length?: number;
}

/**
 * Makes ids like `run_V1StGXR8_Z5jdHi6B-myT`: the prefix, an underscore
 * (unless the prefix already ends in `_` or `-`, or is empty), then random
 * characters from the URL-safe alphabet `A-Z a-z 0-9 - _`. Random bytes come
 * from `crypto.randomFillSync`, drawn in pools so that an id costs well under
 * a microsecond.
 */
export class RandomIdFactory implements IdFactory {
  readonly #length: number;
  readonly #pool = Buffer.allocUnsafe(POOL_SIZE);
  #offset = POOL_SIZE;

  constructor(options: RandomIdFactoryOptions = {}) {
    const length = options.length ?? 21;
    if (!Number.isInteger(length) || length < 8 || length > 256) {
      throw new RangeError(`RandomIdFactory length must be an integer from 8 to 256, got ${length}`);
    }
    this.#length = length;
  }

  /** A new id with the given prefix, e.g. `next('run')` → `run_…`. */
  next(prefix: string): string {
    if (this.#offset + this.#length > POOL_SIZE) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    let id = prefix === '' || prefix.endsWith('_') || prefix.endsWith('-') ? prefix : `${prefix}_`;
    const end = this.#offset + this.#length;
    for (let index = this.#offset; index < end; index++) {
      // 256 is a multiple of 64, so masking keeps the distribution uniform.
      id += ALPHABET[this.#pool[index]! & 63];
    }
    this.#offset = end;
    return id;
  }
}
