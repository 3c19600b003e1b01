/**
 * The approvals inbox across runs: every pending call of every suspended run, and decisions on them.
 * A run continues once each of its pending calls is decided — here, or on a worker when the queue is
 * shared; decisions on some of them are kept in the store until then (`DecisionBook`).
 */
import type { Decision, JsonValue, RunRecord, Runtime } from '@agentry/core';
import { createRoute, type z } from '@hono/zod-openapi';
import { ApiError, notFound } from '../api-error.js';
import { CONFLICT, GUARDED_ERRORS, guard, INVALID, jsonBody, jsonResponse, NOT_FOUND } from '../route-kit.js';
import { launchRun } from '../run-launch.js';
import {
  ApprovalDecisionSchema,
  ApprovalListSchema,
  type ApprovalSchema,
  CallParams,
  DecisionAcceptedSchema,
} from '../schemas.js';
import type { ApiApp, ServerContext } from '../server-context.js';
import { requireRun } from './runs.js';

const tags = ['approvals'];

const listApprovals = createRoute({
  method: 'get',
  path: '/api/v1/approvals',
  tags,
  summary: 'Every call waiting for a decision, across runs, oldest first',
  ...guard('viewer'),
  responses: {
    200: jsonResponse(ApprovalListSchema, 'Pending calls with their input schema'),
    ...GUARDED_ERRORS,
  },
});

const decide = createRoute({
  method: 'post',
  path: '/api/v1/approvals/{runId}/{callId}',
  tags,
  summary: 'Approve (optionally with edited input) or deny a pending call',
  ...guard('approver'),
  request: { params: CallParams, body: jsonBody(ApprovalDecisionSchema) },
  responses: {
    202: jsonResponse(DecisionAcceptedSchema, 'Recorded; the run continues once all its calls are decided'),
    ...GUARDED_ERRORS,
    ...NOT_FOUND,
    ...INVALID,
    ...CONFLICT,
  },
});

type Approval = z.infer<typeof ApprovalSchema>;

function inputSchemaOf(runtime: Runtime, agentId: string, tool: string): Record<string, unknown> | undefined {
  return runtime.describeAgent?.(agentId)?.tools.find((candidate) => candidate.name === tool)?.inputSchema;
}

/** The pending calls of suspended runs, as inbox entries. */
export async function pendingApprovals(context: ServerContext): Promise<Approval[]> {
  const runtime = context.runtime;
  const suspended = await context.runLists.list(runtime, { status: 'suspended' });
  const approvals: Approval[] = [];
  for (const record of [...suspended].reverse()) {
    const decided = await context.decisions.decided(runtime, record.runId, record.pending);
    for (const call of record.pending) {
      const inputSchema = inputSchemaOf(runtime, record.agentId, call.tool);
      approvals.push({
        runId: record.runId,
        agentId: record.agentId,
        sessionId: record.sessionId,
        callId: call.callId,
        tool: call.tool,
        input: call.input,
        inputHash: call.inputHash,
        reason: call.reason,
        ...(inputSchema ? { inputSchema } : {}),
        requestedAt: record.updatedAt,
        decided: decided[call.callId] !== undefined,
      });
    }
  }
  return approvals;
}

function pendingCall(record: RunRecord, callId: string) {
  if (record.status !== 'suspended') {
    throw new ApiError(
      409,
      'approval.not_pending',
      `Run ${record.runId} is ${record.status}; it waits for no decision.`,
    );
  }
  const call = record.pending.find((candidate) => candidate.callId === callId);
  if (!call) {
    throw notFound(
      'call',
      callId,
      `Pending calls of run ${record.runId}: ${record.pending.map((p) => p.callId).join(', ')}.`,
    );
  }
  if (call.reason !== 'approval') {
    throw new ApiError(
      422,
      'approval.wrong_kind',
      `Call ${callId} has an unknown outcome, not an approval request.`,
      'Decide it with POST /api/v1/runs/{runId}/resume and { outcome: "retry" | "skip" | "fail" }.',
    );
  }
  return call;
}

export function registerApprovalRoutes(app: ApiApp, context: ServerContext): void {
  app.openapi(listApprovals, async (c) => c.json({ approvals: await pendingApprovals(context) }, 200));

  app.openapi(decide, async (c) => {
    const { runId, callId } = c.req.valid('param');
    const body = c.req.valid('json');
    const runtime = context.runtime;
    if (context.driving.has(runId)) {
      throw new ApiError(409, 'approval.not_pending', `Run ${runId} is already continuing.`);
    }
    const record = await requireRun(runtime, runId);
    const call = pendingCall(record, callId);
    if (body.inputHash !== call.inputHash) {
      throw new ApiError(
        409,
        'approval.stale',
        `Call ${callId} changed since it was shown (input hash ${call.inputHash.slice(0, 12)}…).`,
        'Reload the approval and decide again.',
      );
    }
    if (body.decision === 'deny' && body.input !== undefined) {
      throw new ApiError(422, 'request.invalid', 'An edited input goes with approve, not deny.');
    }
    const sticky = body.always === true ? { sticky: true } : {};
    const decision: Decision =
      body.decision === 'approve'
        ? {
            approve: true,
            inputHash: call.inputHash,
            ...sticky,
            ...(body.input === undefined ? {} : { input: body.input as JsonValue }),
          }
        : {
            approve: false,
            inputHash: call.inputHash,
            ...sticky,
            reason: body.reason?.trim() || 'Denied in the console',
          };
    await context.decisions.keep(runtime, runId, callId, decision);
    const decisions = await context.decisions.decided(runtime, runId, record.pending);
    const waitingFor = record.pending
      .filter((pending) => decisions[pending.callId] === undefined)
      .map((pending) => pending.callId);
    if (waitingFor.length > 0) return c.json({ runId, state: 'recorded' as const, waitingFor }, 202);
    const decided = Object.keys(decisions);
    try {
      if (await context.continuesOnQueue(runtime, record)) {
        await runtime.enqueueResume(runId, { decisions });
        await context.decisions.forget(runtime, runId, decided);
        return c.json({ runId, state: 'queued' as const, waitingFor }, 202);
      }
      const launch = await launchRun(context, runId, 'run.resumed', () =>
        runtime.resume(runId, { decisions }),
      );
      await context.decisions.forget(runtime, runId, decided);
      return c.json(
        {
          runId,
          state: launch.state === 'running' ? ('resumed' as const) : ('finished' as const),
          waitingFor,
        },
        202,
      );
    } catch (error) {
      await context.decisions.forget(runtime, runId, [callId]);
      throw error;
    }
  });
}
