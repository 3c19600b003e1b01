/** Runtime-level services every plugin may use: logger, clock, id factory, redactor. */

/** Structured logger; `fields` never contain secrets (they pass the redactor). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Time source; tests replace it to make runs deterministic. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Id source. Ids are URL-safe and unique per runtime. */
export interface IdFactory {
  /** A new id with the given prefix, e.g. `run_…`. */
  next(prefix: string): string;
}

/** Removes secret values from anything that could be printed, logged or persisted. */
export interface Redactor {
  /** Registers a value that must never appear in output. */
  addSecret(value: string): void;
  /** Replaces every registered secret in a string with `[redacted]`. */
  redactText(text: string): string;
  /** Deep copy with secrets replaced (by value, and by key names like `apiKey`, `token`, `password`). */
  redact<T>(value: T): T;
}
