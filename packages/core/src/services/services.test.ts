import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleLogger, silentLogger } from './console-logger.js';
import { RandomIdFactory } from './random-id-factory.js';
import { SystemClock } from './system-clock.js';

describe('ConsoleLogger', () => {
  const previous = process.env.AGENTRY_LOG_LEVEL;
  afterEach(() => {
    if (previous === undefined) delete process.env.AGENTRY_LOG_LEVEL;
    else process.env.AGENTRY_LOG_LEVEL = previous;
  });

  it('writes lines at or above its level with time, level, message and fields', () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({ level: 'info', write: (line) => void lines.push(line), now: () => 0 });
    logger.debug('hidden');
    logger.info('run started', { runId: 'run_1' });
    logger.error('boom');
    expect(lines).toEqual([
      '1970-01-01T00:00:00.000Z INFO run started {"runId":"run_1"}\n',
      '1970-01-01T00:00:00.000Z ERROR boom\n',
    ]);
  });

  it('takes its level from AGENTRY_LOG_LEVEL, defaulting to warn', () => {
    const lines: string[] = [];
    process.env.AGENTRY_LOG_LEVEL = 'DEBUG';
    new ConsoleLogger({ write: (line) => void lines.push(line) }).debug('visible');
    process.env.AGENTRY_LOG_LEVEL = 'nonsense';
    const fallback = new ConsoleLogger({ write: (line) => void lines.push(line) });
    fallback.info('hidden');
    expect(fallback.level).toBe('warn');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DEBUG visible');
  });

  it('redacts secrets from messages and fields, and survives unserialisable fields', () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({
      level: 'debug',
      write: (line) => void lines.push(line),
      redactor: {
        addSecret: () => {},
        redactText: (text) => text.replaceAll('sk-123', '[redacted]'),
        redact: <T>(value: T) => JSON.parse(JSON.stringify(value).replaceAll('sk-123', '[redacted]')) as T,
      },
    });
    logger.warn('key sk-123 rejected', { apiKey: 'sk-123' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    new ConsoleLogger({ level: 'debug', write: (line) => void lines.push(line) }).info('cyclic', cyclic);
    expect(lines[0]).not.toContain('sk-123');
    expect(lines[1]).toContain('"[unserialisable]"');
  });

  it('silentLogger writes nothing and never throws', () => {
    expect(() => silentLogger.error('x', { a: 1 })).not.toThrow();
  });
});

describe('RandomIdFactory', () => {
  it('makes unique, URL-safe ids with the prefix', () => {
    const ids = new RandomIdFactory();
    const made = new Set(Array.from({ length: 5000 }, () => ids.next('run')));
    expect(made.size).toBe(5000);
    for (const id of made) expect(id).toMatch(/^run_[A-Za-z0-9_-]{21}$/);
    expect(ids.next('call-')).toMatch(/^call-[A-Za-z0-9_-]{21}$/);
    expect(ids.next('')).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(() => new RandomIdFactory({ length: 4 })).toThrow(/from 8 to 256/);
  });
});

describe('SystemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
