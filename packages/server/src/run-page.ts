/**
 * One page of runs, newest first, with an opaque cursor: `(createdAt, runId)` of the page's last run.
 * A cursor stays valid when runs are added or end meanwhile: the next page starts after that run's
 * place, or — if it is gone — after its creation time.
 */
import type { RunRecord } from '@agentry/core';
import { ApiError } from './api-error.js';

/** Filters beyond what `runtime.runs.list` offers, and the page position. */
export interface PageQuery {
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface Cursor {
  createdAt: string;
  runId: string;
}

function encodeCursor(record: RunRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.runId]), 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { createdAt: value[0], runId: value[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new ApiError(
    422,
    'request.invalid',
    'The cursor is not one this API returned.',
    'Use `nextCursor` of the previous page as it is.',
  );
}

/** Cuts `records` (newest first, as `runtime.runs.list` returns them) into the requested page. */
export function pageOfRuns(
  records: readonly RunRecord[],
  query: PageQuery,
): { runs: RunRecord[]; nextCursor?: string } {
  const since = query.since === undefined ? undefined : Date.parse(query.since);
  const until = query.until === undefined ? undefined : Date.parse(query.until);
  let start = 0;
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    const index = records.findIndex((record) => record.runId === cursor.runId);
    start = index >= 0 ? index + 1 : records.findIndex((record) => record.createdAt < cursor.createdAt);
    if (start < 0) start = records.length;
  }
  const runs: RunRecord[] = [];
  let index = start;
  for (; index < records.length && runs.length < query.limit; index += 1) {
    const record = records[index] as RunRecord;
    const created = Date.parse(record.createdAt);
    if (until !== undefined && created >= until) continue;
    if (since !== undefined && created < since) {
      index = records.length;
      break;
    }
    runs.push(record);
  }
  const more = index < records.length && runs.length === query.limit;
  const last = runs[runs.length - 1];
  return more && last ? { runs, nextCursor: encodeCursor(last) } : { runs };
}
