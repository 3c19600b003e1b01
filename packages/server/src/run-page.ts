/**
 * One page of runs, newest first, with an opaque cursor: `(createdAt, runId)` of the page's last run.
 * The store's runs-list index does the filtering and paging (`RunFilter.after`, `since`, `until`,
 * `limit`), so a page reads only its own records. A cursor stays valid when runs are added or end
 * meanwhile: the next page starts after that run's place, or — if it is gone — after its creation time.
 */
import type { RunFilter, RunRecord } from '@agentry/core';
import { ApiError } from './api-error.js';

/** The query of `GET /api/v1/runs`, as validated. */
export interface PageQuery {
  agent?: string | undefined;
  status?: RunFilter['status'] | undefined;
  session?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

function encodeCursor(record: RunRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.runId]), 'utf8').toString('base64url');
}

function decodeCursor(text: string): { createdAt: string; runId: string } {
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

/** Run records carry `toISOString()` times; query times may have any offset. */
const iso = (time: string): string => new Date(Date.parse(time)).toISOString();

/** The `runtime.runs.list` filter of a page: one run more than the page, to know if another follows. */
export function pageFilter(query: PageQuery): RunFilter {
  return {
    ...(query.agent ? { agentId: query.agent } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.session ? { sessionId: query.session } : {}),
    ...(query.since === undefined ? {} : { since: iso(query.since) }),
    ...(query.until === undefined ? {} : { until: iso(query.until) }),
    ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor) }),
    limit: query.limit + 1,
  };
}

/** The page from what `pageFilter` listed. */
export function pageOfRuns(
  records: readonly RunRecord[],
  limit: number,
): { runs: RunRecord[]; nextCursor?: string } {
  const runs = records.slice(0, limit);
  const last = runs[runs.length - 1];
  return records.length > limit && last ? { runs, nextCursor: encodeCursor(last) } : { runs };
}
