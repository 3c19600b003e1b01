/** Times of cron and interval triggers: `every` durations, cron expressions (with seconds) in a time zone. */
import { createRequire } from 'node:module';
import type { CronExpressionParser as CronParser } from 'cron-parser';
import type { ScheduleSpec } from '../contracts/queue.js';

let cronParser: typeof CronParser | undefined;
/**
 * cron-parser (and luxon under it), loaded on the first cron expression: a config without cron triggers
 * never loads it, which keeps `import('@agentry/core')` lean. It is CommonJS, so a synchronous require
 * works where validation is synchronous (the config schema's refinements).
 */
function cron(): typeof CronParser {
  cronParser ??= (createRequire(import.meta.url)('cron-parser') as typeof import('cron-parser'))
    .CronExpressionParser;
  return cronParser;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `every` as milliseconds: a number of ms, or text like `1500ms`, `30s`, `5m`, `2h`; `undefined` when it is not one. */
export function parseEvery(every: string | number): number | undefined {
  if (typeof every === 'number') return Number.isInteger(every) && every > 0 ? every : undefined;
  const match = /^\s*(\d+)\s*(ms|s|m|min|h)\s*$/.exec(every);
  if (!match) return undefined;
  const value = Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
  return value > 0 ? value : undefined;
}

/** True when `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why a cron expression is not valid, or `undefined` when it is (5 fields, or 6 with seconds first). */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (!expression.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return `a cron expression has 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields.length}`;
  }
  try {
    cron().parse(expression, { tz: 'UTC' }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The first tick of `spec` strictly after `afterMs` (epoch ms). Interval ticks count from `anchorMs`. */
export function nextTick(spec: ScheduleSpec, afterMs: number, anchorMs = 0): number {
  if (spec.kind === 'interval') {
    const elapsed = Math.max(0, afterMs - anchorMs);
    return anchorMs + (Math.floor(elapsed / spec.everyMs) + 1) * spec.everyMs;
  }
  const expression = cron().parse(spec.cron, {
    currentDate: new Date(afterMs),
    tz: spec.timezone ?? 'UTC',
  });
  return expression.next().getTime();
}

/** The last tick of `spec` at or before `atMs`, or `undefined` (an interval counts from `anchorMs`). */
export function previousTick(spec: ScheduleSpec, atMs: number, anchorMs = 0): number | undefined {
  if (spec.kind === 'interval') {
    if (atMs < anchorMs + spec.everyMs) return undefined;
    return anchorMs + Math.floor((atMs - anchorMs) / spec.everyMs) * spec.everyMs;
  }
  const expression = cron().parse(spec.cron, {
    currentDate: new Date(atMs + 1),
    tz: spec.timezone ?? 'UTC',
  });
  try {
    return expression.prev().getTime();
  } catch {
    return undefined;
  }
}
