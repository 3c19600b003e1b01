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

/**
 * True for key or env var names that hold secrets: the last word is `token`,
 * `password`, `secret`, `credential(s)`, `authorization`, or `key` after
 * `api`/`private`/`secret`/`access` (`apiKey`, `OPENAI_API_KEY`, `dbPassword`,
 * `GITHUB_TOKEN`). Counters such as `maxTotalTokens` are not secrets.
 */
export function isSecretName(name: string): boolean {
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
    return this.#copy(value, new WeakMap()) as T;
  }

  #copy(value: unknown, seen: WeakMap<object, unknown>): unknown {
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
    for (const [key, item] of Object.entries(value)) {
      const secretField =
        isSecretName(key) && item !== null && item !== undefined && typeof item !== 'object';
      Object.defineProperty(copy, key, {
        value: secretField ? REDACTED : this.#copy(item, seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
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
