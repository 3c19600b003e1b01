/**
 * `POST /api/v1/runs`: starts a run here, or submits it to a shared queue, and makes the request's
 * `sessionPolicy` visible when its session already has an active run — `reject`: 409 `run.busy` naming
 * that run; `steer`: the input was stored in that run's inbox (state `steered`, no new run); `enqueue` and
 * `interrupt`: the new run, which goes on once the session is free. With a shared queue the run is
 * `queued` and the worker that takes it applies the policy (`steer` still answers `steered` at once when
 * the session has an active run).
 */
import { randomUUID } from 'node:crypto';
import {
  type EventType,
  RUN_ENDING_EVENTS,
  type RunRecord,
  type RunRequest,
  type RunResult,
} from '@agentry/core';
import type { z } from '@hono/zod-openapi';
import { ApiError, notFound } from './api-error.js';
import { type LaunchWatch, launchRun } from './run-launch.js';
import type { RunAcceptedSchema, StartRunSchema } from './schemas.js';
import type { ServerContext } from './server-context.js';

type StartRun = z.infer<typeof StartRunSchema>;
type RunAccepted = z.infer<typeof RunAcceptedSchema>;

/** Events that end a run segment: a launch watching for more of the run leaves them to the run's result. */
const ENDINGS: ReadonlySet<EventType> = new Set(RUN_ENDING_EVENTS);

/**
 * When the answer may be given. `reject`: once the run holds its session (its first event after
 * `run.started`; a busy session ends it with `run.busy` first). `steer` (the session had no active run when
 * the request came, but one took it since): once that run received the input (`run.input_received`), or
 * this run started because the session was free.
 */
function sessionWatch(runId: string, request: RunRequest): LaunchWatch | undefined {
  const { sessionId, sessionPolicy, input } = request;
  if (sessionId === undefined) return undefined;
  if (sessionPolicy === 'reject') {
    return (event) =>
      event.runId === runId && event.type !== 'run.started' && !ENDINGS.has(event.type)
        ? { state: 'running' }
        : undefined;
  }
  if (sessionPolicy !== 'steer') return undefined;
  return (event) => {
    if (event.runId === runId && event.type === 'run.started') return { state: 'running' };
    if (
      event.type === 'run.input_received' &&
      event.sessionId === sessionId &&
      event.runId !== runId &&
      event.data.text === input
    ) {
      return { state: 'steered', runId: event.runId, seq: event.data.seq };
    }
    return undefined;
  };
}

/** The 409 of `reject`: names the run that holds the session (core's `run.busy` carries it). */
function busySession(result: RunResult, sessionId: string): ApiError {
  const holder = result.error?.context?.holderRunId;
  const error = new ApiError(
    409,
    'run.busy',
    `Session "${sessionId}" already has an active run${holder ? ` (${holder})` : ''}; this request was refused (sessionPolicy "reject").`,
    `Wait for that run to end, send input into it (POST /api/v1/runs/{runId}/input, or sessionPolicy "steer"), or pass sessionPolicy "enqueue" or "interrupt". The refused request is recorded as run ${result.runId} (failed, run.busy).`,
  );
  error.runId = holder;
  return error;
}

export async function startRun(context: ServerContext, body: StartRun): Promise<RunAccepted> {
  const runtime = context.runtime;
  if (!runtime.agents().includes(body.agent)) {
    throw notFound('agent', body.agent, `Configured agents: ${runtime.agents().join(', ') || 'none'}.`);
  }
  const runId = randomUUID();
  const request = {
    runId,
    agent: body.agent,
    input: body.input,
    ...(body.sessionId ? { sessionId: body.sessionId } : {}),
    ...(body.sessionPolicy ? { sessionPolicy: body.sessionPolicy } : {}),
    ...(body.durable === undefined ? {} : { durable: body.durable }),
    ...(body.budget ? { budget: body.budget } : {}),
  } satisfies RunRequest;
  if (body.sessionId !== undefined && body.sessionPolicy === 'steer') {
    // Answered once the input is stored in the active run's inbox; that run takes it at its next step.
    const receipt = await runtime.steer(body.sessionId, body.input);
    if (receipt) return { runId: receipt.runId, state: 'steered', inputSeq: receipt.seq };
  }
  if (await context.sharedQueue(runtime)) {
    // Some worker of the shared queue drives it (`agentry worker`) and applies its sessionPolicy then.
    await runtime.enqueue(request);
    return { runId, state: 'queued' };
  }
  const launch = await launchRun(
    context,
    runId,
    'run.started',
    () => runtime.run(request),
    sessionWatch(runId, request),
  );
  if (launch.state === 'running') return { runId, state: 'running' };
  if (launch.state === 'steered') return { runId: launch.runId, state: 'steered', inputSeq: launch.seq };
  const { result } = launch;
  const run: RunRecord | undefined = await runtime.runs.get(result.runId);
  // `steer` into a run that ended before the answer: its result is the caller's.
  if (result.runId !== runId) return { runId: result.runId, state: 'steered', ...(run ? { run } : {}) };
  if (body.sessionId && body.sessionPolicy === 'reject' && result.error?.code === 'run.busy') {
    throw busySession(result, body.sessionId);
  }
  return { runId, state: 'finished', ...(run ? { run } : {}) };
}
