/** An HTTP service (node:http, no framework) over an embedded Agentry runtime: start runs, list approvals, resume. */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isAgentryError,
  type JsonValue,
  type PendingCall,
  type RunRecord,
  type Runtime,
} from '@agentry/core';
import { z } from 'zod';

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 1_000_000;

// Decisions may carry edited input or a recorded result: any JSON value.
const jsonValue = z.json() as z.ZodType<JsonValue>;

/** Body of `POST /runs`. */
const startRunBody = z.strictObject({
  agent: z.string().min(1),
  input: z.string().min(1),
  sessionId: z.string().min(1).optional(),
  /** `false`: answer 202 with the run id at once instead of waiting until the run completes or suspends. */
  wait: z.boolean().default(true),
});

/** A decision as `runtime.resume` takes it. */
const decisionSchema = z.union([
  z.strictObject({ approve: z.literal(true), input: jsonValue.optional(), sticky: z.boolean().optional() }),
  z.strictObject({
    approve: z.literal(false),
    reason: z.string().optional(),
    sticky: z.boolean().optional(),
  }),
  z.strictObject({ outcome: z.literal('retry') }),
  z.strictObject({ outcome: z.literal('skip'), result: jsonValue }),
  z.strictObject({ outcome: z.literal('fail'), reason: z.string().optional() }),
]);

/** Body of `POST /runs/:id/resume`. */
const resumeBody = z.strictObject({ decisions: z.record(z.string(), decisionSchema).default({}) });

/** One entry of `GET /approvals`: a suspended run and the calls it waits on. */
export interface PendingApproval {
  runId: string;
  agentId: string;
  sessionId: string;
  input: string;
  updatedAt: string;
  pending: PendingCall[];
}

/** Options of `createAgentService`. */
export interface AgentServiceOptions {
  /** Called when a run started with `wait: false` is refused by the runtime (default: `console.error`). */
  onBackgroundError?: (error: unknown, runId: string) => void;
}

/** A request the service refuses, answered as `{ error: { code, message, hint? } }`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** HTTP status of an Agentry error raised by a bad request (everything else is a 500). */
function statusOf(code: string): number {
  if (code === 'run.not_found' || code === 'agent.not_found') return 404;
  if (code === 'run.not_resumable' || code === 'run.busy') return 409;
  if (code === 'runtime.closed') return 503;
  return code.startsWith('run.') || code.startsWith('config.') ? 400 : 500;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'body_too_large', `Body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      'body_invalid',
      'The body is not valid JSON',
      'Send Content-Type: application/json',
    );
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'body_invalid', z.prettifyError(result.error));
  return result.data;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(text);
}

/** The pending approvals of every suspended run, oldest run first. */
export async function listPendingApprovals(runtime: Runtime): Promise<PendingApproval[]> {
  const suspended: RunRecord[] = await runtime.runs.list({ status: 'suspended' });
  return suspended
    .map((record) => ({
      runId: record.runId,
      agentId: record.agentId,
      sessionId: record.sessionId,
      input: record.input,
      updatedAt: record.updatedAt,
      pending: record.pending.filter((call) => call.reason === 'approval'),
    }))
    .filter((entry) => entry.pending.length > 0)
    .sort((left, right) => left.updatedAt.localeCompare(right.updatedAt));
}

/**
 * Creates (does not start) the HTTP server. Routes:
 * - `POST /runs` `{ agent, input, sessionId?, wait? }` → the `RunResult` (200), or `202 { runId }` with `wait: false`
 * - `GET /runs/:id` → the stored `RunRecord`
 * - `GET /approvals` → `{ approvals: PendingApproval[] }`
 * - `POST /runs/:id/resume` `{ decisions: { [callId]: Decision } }` → the `RunResult`
 *
 * Bad requests answer 4xx with `{ error: { code, message, hint? } }`; the runtime's own codes
 * (`run.not_found`, `run.decision_invalid` …) pass through.
 */
export function createAgentService(runtime: Runtime, options: AgentServiceOptions = {}): Server {
  const onBackgroundError =
    options.onBackgroundError ??
    ((error: unknown, runId: string) => console.error(`run ${runId} could not start:`, error));

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter((part) => part !== '');
    const method = request.method ?? 'GET';

    if (method === 'POST' && parts.length === 1 && parts[0] === 'runs') {
      const body = parse(startRunBody, await readJson(request));
      const runRequest = {
        agent: body.agent,
        input: body.input,
        runId: `run_${randomUUID()}`,
        ...(body.sessionId ? { sessionId: body.sessionId } : {}),
      };
      if (body.wait) return send(response, 200, await runtime.run(runRequest));
      if (!runtime.agents().includes(body.agent)) {
        throw new HttpError(
          404,
          'agent.not_found',
          `No agent "${body.agent}"`,
          `agents: ${runtime.agents().join(', ')}`,
        );
      }
      // `run` resolves with failures of the run itself; it only rejects for a bad request.
      runtime.run(runRequest).catch((error: unknown) => onBackgroundError(error, runRequest.runId));
      response.setHeader('location', `/runs/${runRequest.runId}`);
      return send(response, 202, { runId: runRequest.runId });
    }
    if (method === 'GET' && parts.length === 1 && parts[0] === 'approvals') {
      return send(response, 200, { approvals: await listPendingApprovals(runtime) });
    }
    if (parts[0] === 'runs' && parts.length >= 2) {
      const runId = decodeURIComponent(parts[1]!);
      if (method === 'GET' && parts.length === 2) {
        const record = await runtime.runs.get(runId);
        if (!record)
          throw new HttpError(404, 'run.not_found', `No run "${runId}"`, 'GET /approvals lists runs');
        return send(response, 200, record);
      }
      if (method === 'POST' && parts.length === 3 && parts[2] === 'resume') {
        const body = parse(resumeBody, await readJson(request));
        return send(response, 200, await runtime.resume(runId, { decisions: body.decisions }));
      }
    }
    throw new HttpError(404, 'route_not_found', `No route ${method} ${url.pathname}`);
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) {
        return send(response, error.status, {
          error: { code: error.code, message: error.message, hint: error.hint },
        });
      }
      if (isAgentryError(error)) {
        return send(response, statusOf(error.code), {
          error: { code: error.code, message: error.message, hint: error.hint },
        });
      }
      send(response, 500, { error: { code: 'internal', message: 'Internal error' } });
    });
  });
  return server;
}

/** Starts the service on `host:port` (port 0 picks a free one) and resolves with its base URL. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
