/**
 * Events: a run's stored events as JSON pages, as a resumable SSE stream, the live stream of all runs,
 * and custom events published for event triggers.
 */

import { isAgentryError, type JsonValue } from '@agentry/core';
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../api-error.js';
import { streamAllEvents, streamRunEvents } from '../event-feed.js';
import {
  GUARDED_ERRORS,
  guard,
  INVALID,
  jsonBody,
  jsonResponse,
  NOT_FOUND,
  NOT_IMPLEMENTED,
} from '../route-kit.js';
import {
  EventPageSchema,
  EventQuerySchema,
  PublishEventSchema,
  PublishedEventSchema,
  RunIdParam,
} from '../schemas.js';
import type { ApiApp, ServerContext } from '../server-context.js';
import { requireRun } from './runs.js';

const tags = ['events'];
const sse = (description: string) =>
  ({ description, content: { 'text/event-stream': { schema: z.string() } } }) as const;

const listEvents = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/events',
  tags,
  summary: "A page of a run's stored events after a `seq`",
  ...guard('viewer'),
  request: { params: RunIdParam, query: EventQuerySchema },
  responses: { 200: jsonResponse(EventPageSchema, 'Events in `seq` order'), ...GUARDED_ERRORS, ...NOT_FOUND },
});

const streamRun = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/events/stream',
  tags,
  summary: "A run's events as Server-Sent Events, from `Last-Event-ID` (a `seq`) on, live until the run ends",
  ...guard('viewer'),
  request: {
    params: RunIdParam,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    headers: z.object({ 'last-event-id': z.string().regex(/^\d+$/).optional() }),
  },
  responses: {
    200: sse(
      'One SSE message per event: `id` = seq, `event` = type, `data` = the event as JSON; a `reconnect` message asks the client to connect again (with `Last-Event-ID`)',
    ),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
  },
});

const streamAll = createRoute({
  method: 'get',
  path: '/api/v1/events/stream',
  tags,
  summary: 'Live events of every run as Server-Sent Events (no replay); model deltas left out',
  ...guard('viewer'),
  responses: {
    200: sse('One SSE message per event; a first `ready` message once subscribed'),
    ...GUARDED_ERRORS,
  },
});

const publishEvent = createRoute({
  method: 'post',
  path: '/api/v1/events',
  tags,
  summary:
    'Publish a custom event (`event.published`, as `agentry publish` does): event triggers with `event: <name>` fire on it',
  ...guard('operator'),
  request: { body: jsonBody(PublishEventSchema) },
  responses: {
    202: jsonResponse(
      PublishedEventSchema,
      'Published on the event bus; matching event triggers start their runs after the answer',
    ),
    ...GUARDED_ERRORS,
    ...INVALID,
    ...NOT_IMPLEMENTED,
  },
});

export function registerEventRoutes(app: ApiApp, context: ServerContext): void {
  app.openapi(listEvents, async (c) => {
    const { runId } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    await requireRun(context.runtime, runId);
    const events = (await context.runtime.runs.events(runId, { afterSeq: after })).slice(0, limit);
    const lastSeq = events.length > 0 ? (events[events.length - 1]?.seq ?? after) : after;
    return c.json({ events: events as unknown as z.infer<typeof EventPageSchema>['events'], lastSeq }, 200);
  });

  app.openapi(streamRun, async (c) => {
    const { runId } = c.req.valid('param');
    const lastId = c.req.valid('header')['last-event-id'];
    const after = lastId === undefined ? (c.req.valid('query').after ?? 0) : Number(lastId);
    if (!Number.isSafeInteger(after))
      throw new ApiError(422, 'request.invalid', 'Last-Event-ID must be a seq number.');
    const runtime = context.runtime;
    await requireRun(runtime, runId);
    return streamSSE(c, (stream) => streamRunEvents(stream, runtime, runId, after, context));
  });

  app.openapi(streamAll, (c) => {
    const runtime = context.runtime;
    return streamSSE(c, (stream) => streamAllEvents(stream, runtime, context));
  });

  app.openapi(publishEvent, async (c) => {
    const runtime = context.runtime;
    const { name, payload = null } = c.req.valid('json');
    if (typeof runtime.publish !== 'function') {
      throw new ApiError(501, 'server.not_supported', 'This runtime cannot publish custom events.');
    }
    try {
      await runtime.publish(name, payload as JsonValue);
    } catch (error) {
      if (!isAgentryError(error) || error.code !== 'event.invalid') throw error;
      // The runtime decides which names are its own: its refusal names the field.
      throw new ApiError(422, 'event.invalid', error.message, error.hint, [
        { path: 'name', message: error.message },
      ]);
    }
    return c.json({ name, payload, publishedAt: new Date().toISOString() }, 202);
  });
}
