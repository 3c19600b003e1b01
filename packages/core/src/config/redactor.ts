/** The Redactor: remembers secret values and removes them (and secret-named fields) from anything printed. */
import type { Redactor } from '../contracts/services.js';

/** Replacement text for a secret. */
export const REDACTED = '[redacted]';

const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'credential',
  'credentials',
  'authorization',
  'apikey',
]);
const SECRET_KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption']);

/** Answers of `isSecretName` by name: `redact` asks about every key of every value, and key names repeat. */
const secretNames = new Map<string, boolean>();
/** Most names remembered; the cache starts over when full (tool inputs can bring any key names). */
const SECRET_NAMES_CACHED = 4096;

/**
 * True for key or env var names that hold secrets: the last word is `token`,
 * `password`, `secret`, `credential(s)`, `authorization`, or `key` after
 * `api`/`private`/`secret`/`access` (`apiKey`, `OPENAI_API_KEY`, `dbPassword`,
 * `GITHUB_TOKEN`). Counters such as `maxTotalTokens` are not secrets.
 */
export function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = looksSecret(name);
    if (secretNames.size >= SECRET_NAMES_CACHED) secretNames.clear();
    secretNames.set(name, secret);
  }
  return secret;
}

function looksSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  return last === 'key' && SECRET_KEY_QUALIFIERS.has(words[words.length - 2] ?? '');
}

/** Registers every string under a secret-named key (`apiKey`, `token` …) anywhere in `value`. */
export function registerNamedSecrets(value: unknown, redactor: Pick<Redactor, 'addSecret'>, depth = 0): void {
  if (typeof value !== 'object' || value === null || depth > 64) return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && isSecretName(key)) redactor.addSecret(item);
    else registerNamedSecrets(item, redactor, depth + 1);
  }
}

/** Secrets shorter than this are still redacted by key name, but not searched for inside text. */
const MIN_TEXT_SECRET_LENGTH = 4;

class DefaultRedactor implements Redactor {
  readonly #secrets = new Set<string>();
  #ordered: string[] = [];

  addSecret(value: string): void {
    if (value.length < MIN_TEXT_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.add(value);
    // Inside JSON text a secret with quotes, backslashes or control characters appears escaped.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.#secrets.add(escaped);
    this.#ordered = [...this.#secrets].sort((left, right) => right.length - left.length);
  }

  redactText(text: string): string {
    let result = text;
    for (const secret of this.#ordered) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  redact<T>(value: T): T {
    // A Map, not a WeakMap: it lives for this one call, and weak tables cost the garbage collector more.
    return this.#copy(value, new Map()) as T;
  }

  #copy(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (typeof value !== 'object' || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.#copy(item, seen));
      return copy;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const secretField =
        isSecretName(key) && item !== null && item !== undefined && typeof item !== 'object';
      const redacted = secretField ? REDACTED : this.#copy(item, seen);
      // Plain assignment is much cheaper than defineProperty, except for `__proto__`, which it would not create.
      if (key === '__proto__') {
        Object.defineProperty(copy, key, {
          value: redacted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else copy[key] = redacted;
    }
    return copy;
  }
}

/**
 * JSON text with every registered secret removed from its strings (values and keys); the same string when it
 * holds none, which is the common case and costs one search per secret. A hit is redacted on the parsed value,
 * so a replacement can never break the JSON structure.
 */
export function redactJsonText(redactor: Pick<Redactor, 'redactText'>, text: string): string {
  if (redactor.redactText(text) === text) return text;
  return JSON.stringify(redactStrings(JSON.parse(text) as unknown, redactor));
}

/**
 * `value` (plain JSON) itself when it holds no registered secret, else a copy with every secret removed from
 * its strings. Unlike `Redactor.redact` it leaves secret-named fields alone: for data kept for later use
 * (transcripts, memory), where only the registered values must go.
 */
export function withoutSecrets<T>(redactor: Pick<Redactor, 'redactText'>, value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined || redactor.redactText(text) === text) return value;
  return redactStrings(JSON.parse(text) as unknown, redactor) as T;
}

function redactStrings(value: unknown, redactor: Pick<Redactor, 'redactText'>): unknown {
  if (typeof value === 'string') return redactor.redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redactor));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, redactor.redactText(key), {
      value: redactStrings(item, redactor),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Creates a Redactor. Registered secrets are replaced by `[redacted]` in text;
 * `redact` also blanks fields whose names look secret (`apiKey`, `token`,
 * `password`, `secret` …). Secrets shorter than 4 characters are only redacted
 * by field name, so they cannot garble unrelated text.
 *
 * @example
 * ```ts
 * const redactor = createRedactor();
 * redactor.addSecret(process.env.OPENAI_API_KEY ?? '');
 * logger.info(redactor.redactText(message));
 * ```
 */
export function createRedactor(): Redactor {
  return new DefaultRedactor();
}
