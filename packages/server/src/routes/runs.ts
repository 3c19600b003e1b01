/** Runs: list (filters, cursor pages), get, start, cancel, interrupt, resume, send input. */
import type { ResumeRequest, RunRecord, Runtime } from '@agentry/core';
import { createRoute } from '@hono/zod-openapi';
import { ApiError, notFound } from '../api-error.js';
import {
  CONFLICT,
  GUARDED_ERRORS,
  guard,
  INVALID,
  jsonBody,
  jsonResponse,
  NOT_FOUND,
  NOT_IMPLEMENTED,
} from '../route-kit.js';
import { launchRun } from '../run-launch.js';
import { pageFilter, pageOfRuns } from '../run-page.js';
import { startRun as startRunFromRequest } from '../run-start.js';
import {
  CancelSchema,
  ErrorSchema,
  InputReceiptSchema,
  ResumeSchema,
  RunAcceptedSchema,
  RunIdParam,
  RunListQuerySchema,
  RunPageSchema,
  RunRecordSchema,
  SendInputSchema,
  StartRunSchema,
} from '../schemas.js';
import type { ApiApp, ServerContext } from '../server-context.js';

const tags = ['runs'];

const listRuns = createRoute({
  method: 'get',
  path: '/api/v1/runs',
  tags,
  summary: 'List runs, newest first',
  ...guard('viewer'),
  request: { query: RunListQuerySchema },
  responses: { 200: jsonResponse(RunPageSchema, 'One page of runs'), ...GUARDED_ERRORS, ...INVALID },
});

const getRun = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}',
  tags,
  summary: 'One run with its usage and pending calls',
  ...guard('viewer'),
  request: { params: RunIdParam },
  responses: { 200: jsonResponse(RunRecordSchema, 'The run'), ...GUARDED_ERRORS, ...NOT_FOUND },
});

const startRun = createRoute({
  method: 'post',
  path: '/api/v1/runs',
  tags,
  summary: 'Start a run (it continues after the answer); `sessionPolicy` says what a busy session does',
  ...guard('operator'),
  request: { body: jsonBody(StartRunSchema) },
  responses: {
    202: jsonResponse(
      RunAcceptedSchema,
      "The run started (or already ended: then `run` is its record), was queued (a shared queue), or its input was stored in the session's active run's inbox (`steered`: that run takes it at its next step boundary)",
    ),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...INVALID,
    409: jsonResponse(
      ErrorSchema,
      'sessionPolicy `reject`: the session already has an active run (`error.runId`), code `run.busy`',
    ),
  },
});

const cancelRun = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/cancel',
  tags,
  summary: 'Cancel a running or queued run for good',
  ...guard('operator'),
  request: { params: RunIdParam, body: { ...jsonBody(CancelSchema), required: false } },
  responses: {
    200: jsonResponse(RunRecordSchema, 'The run after cancelling'),
    202: jsonResponse(
      RunRecordSchema,
      'Cancel requested: the process that drives the run stops it at its next step boundary',
    ),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...CONFLICT,
  },
});

const interruptRun = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/interrupt',
  tags,
  summary: 'Stop a run at its next safe point, resumable',
  ...guard('operator'),
  request: { params: RunIdParam },
  responses: {
    200: jsonResponse(RunRecordSchema, 'The run after the interrupt'),
    202: jsonResponse(
      RunRecordSchema,
      'Interrupt requested: the process that drives the run stops it at its next step boundary',
    ),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...CONFLICT,
    ...NOT_IMPLEMENTED,
  },
});

const resumeRun = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/resume',
  tags,
  summary: 'Continue a suspended, interrupted or orphaned run, with decisions for its pending calls',
  ...guard('operator'),
  request: { params: RunIdParam, body: { ...jsonBody(ResumeSchema), required: false } },
  responses: {
    202: jsonResponse(RunAcceptedSchema, 'The run continues (or already ended)'),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...INVALID,
    ...CONFLICT,
  },
});

const sendInput = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/input',
  tags,
  summary: 'Send input into a run that has not ended; it reaches the model before its next call',
  ...guard('approver'),
  request: { params: RunIdParam, body: jsonBody(SendInputSchema) },
  responses: {
    202: jsonResponse(InputReceiptSchema, 'Stored; the run receives it before its next model call'),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...INVALID,
    ...CONFLICT,
    ...NOT_IMPLEMENTED,
  },
});

/** The run's record, or a 404 that says where runs come from. */
export async function requireRun(runtime: Runtime, runId: string): Promise<RunRecord> {
  const record = await runtime.runs.get(runId);
  if (!record)
    throw notFound('run', runId, 'List runs with GET /api/v1/runs; runs live in the configured store.');
  return record;
}

export function registerRunRoutes(app: ApiApp, context: ServerContext): void {
  app.openapi(listRuns, async (c) => {
    const query = c.req.valid('query');
    const records = await context.runLists.list(context.runtime, pageFilter(query));
    return c.json(pageOfRuns(records, query.limit), 200);
  });

  app.openapi(getRun, async (c) =>
    c.json(await requireRun(context.runtime, c.req.valid('param').runId), 200),
  );

  app.openapi(startRun, async (c) => c.json(await startRunFromRequest(context, c.req.valid('json')), 202));

  app.openapi(cancelRun, async (c) => {
    const { runId } = c.req.valid('param');
    const runtime = context.runtime;
    const record = await requireRun(runtime, runId);
    if (record.status === 'suspended') {
      throw new ApiError(
        409,
        'run.not_active',
        `Run ${runId} is suspended; deny its pending calls to end it.`,
      );
    }
    if (record.status !== 'running' && record.status !== 'queued') {
      throw new ApiError(
        409,
        'run.not_active',
        `Run ${runId} is ${record.status}; only a running or queued run can be cancelled.`,
      );
    }
    const here = context.driving.has(runId);
    await runtime.cancel(runId, c.req.valid('json')?.reason ?? 'Cancelled through the API');
    return c.json(await requireRun(runtime, runId), here ? 200 : 202);
  });

  app.openapi(interruptRun, async (c) => {
    const { runId } = c.req.valid('param');
    const runtime = context.runtime;
    const record = await requireRun(runtime, runId);
    if (record.status !== 'running')
      throw new ApiError(409, 'run.not_active', `Run ${runId} is ${record.status}.`);
    const here = context.driving.has(runId);
    await runtime.interrupt(runId, 'Interrupted through the API');
    return c.json(await requireRun(runtime, runId), here ? 200 : 202);
  });

  app.openapi(resumeRun, async (c) => {
    const { runId } = c.req.valid('param');
    const runtime = context.runtime;
    const record = await requireRun(runtime, runId);
    const body = c.req.valid('json');
    const request: ResumeRequest = body?.decisions
      ? { decisions: body.decisions as ResumeRequest['decisions'] }
      : {};
    const pendingIds = record.pending.map((call) => call.callId);
    if (await context.continuesOnQueue(runtime, record)) {
      await runtime.enqueueResume(runId, request);
      await context.decisions.forget(runtime, runId, pendingIds);
      return c.json({ runId, state: 'queued' as const }, 202);
    }
    const launch = await launchRun(context, runId, 'run.resumed', () => runtime.resume(runId, request));
    await context.decisions.forget(runtime, runId, pendingIds);
    const run = launch.state === 'finished' ? await runtime.runs.get(runId) : undefined;
    return c.json({ runId, state: launch.state, ...(run ? { run } : {}) }, 202);
  });

  app.openapi(sendInput, async (c) => {
    const { runId } = c.req.valid('param');
    const runtime = context.runtime;
    await requireRun(runtime, runId);
    if (typeof runtime.send !== 'function') {
      throw new ApiError(
        501,
        'server.not_supported',
        'This runtime cannot take input into an active run (steering).',
        'Start a new run in the same session instead.',
      );
    }
    const receipt = await runtime.send(runId, c.req.valid('json').input);
    return c.json(receipt, 202);
  });
}
