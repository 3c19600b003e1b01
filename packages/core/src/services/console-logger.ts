/** `ConsoleLogger` writes leveled log lines to stderr; `silentLogger` drops everything. */
import type { Logger, Redactor } from '../contracts/services.js';

/** Log levels from most to least verbose; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVEL_RANK: { readonly [L in LogLevel]: number } = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

/** True when `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVEL_RANK, value);
}

/** Options of `ConsoleLogger`. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. Default: `AGENTRY_LOG_LEVEL` when it names a level, else `warn`. */
  level?: LogLevel;
  /** Removes secrets from messages and fields before they are written. */
  redactor?: Redactor;
  /** Where lines go; default `process.stderr`. Each call receives one line ending in a newline. */
  write?: (line: string) => void;
  /** Clock used for the timestamp; default `Date.now`. */
  now?: () => number;
}

/**
 * A logger that writes one line per entry to stderr:
 * `2026-01-01T00:00:00.000Z WARN message {"field":1}`. Entries below the
 * level are dropped before any formatting happens, so debug calls cost next
 * to nothing in production. Fields that cannot be serialised are written as
 * `"[unserialisable]"` instead of throwing.
 */
export class ConsoleLogger implements Logger {
  /** The lowest level this logger writes. */
  readonly level: LogLevel;
  readonly #rank: number;
  readonly #redactor: Redactor | undefined;
  readonly #write: (line: string) => void;
  readonly #now: () => number;

  constructor(options: ConsoleLoggerOptions = {}) {
    const fromEnv = process.env.AGENTRY_LOG_LEVEL?.trim().toLowerCase();
    this.level = options.level ?? (fromEnv !== undefined && isLogLevel(fromEnv) ? fromEnv : 'warn');
    this.#rank = LEVEL_RANK[this.level];
    this.#redactor = options.redactor;
    this.#write = options.write ?? ((line) => process.stderr.write(line));
    this.#now = options.now ?? Date.now;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.#rank <= LEVEL_RANK.debug) this.#log('DEBUG', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    if (this.#rank <= LEVEL_RANK.info) this.#log('INFO', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    if (this.#rank <= LEVEL_RANK.warn) this.#log('WARN', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    if (this.#rank <= LEVEL_RANK.error) this.#log('ERROR', message, fields);
  }

  #log(label: string, message: string, fields: Record<string, unknown> | undefined): void {
    const redactor = this.#redactor;
    let line = `${new Date(this.#now()).toISOString()} ${label} ${redactor ? redactor.redactText(message) : message}`;
    if (fields !== undefined && Object.keys(fields).length > 0) {
      line += ` ${serializeFields(redactor ? redactor.redact(fields) : fields)}`;
    }
    this.#write(`${line}\n`);
  }
}

function serializeFields(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      return value;
    });
  } catch {
    return '"[unserialisable]"';
  }
}

const noop = (): void => {};

/** A logger that writes nothing (tests, embedding with its own logging). */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
