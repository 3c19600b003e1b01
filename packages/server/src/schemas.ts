/**
 * Request and response shapes of the HTTP API, defined once: they validate requests, type the
 * handlers and produce the OpenAPI 3.1 document (`/openapi.json`).
 */
import { z } from '@hono/zod-openapi';

const json = z.unknown().openapi({ description: 'Any JSON value' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'run.not_found' }),
      message: z.string(),
      hint: z.string().optional(),
      /** Field-level problems of an invalid request. */
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      runId: z
        .string()
        .optional()
        .openapi({ description: 'The run the error is about (`run.busy`: the run that holds the session)' }),
    }),
  })
  .openapi('Error');

export const RunStatusSchema = z
  .enum(['queued', 'running', 'completed', 'suspended', 'failed', 'cancelled', 'interrupted', 'rejected'])
  .openapi('RunStatus');

export const StopReasonSchema = z
  .enum([
    'completed',
    'max_steps',
    'budget_exhausted',
    'timeout',
    'cancelled',
    'interrupted',
    'awaiting_approval',
    'outcome_unknown',
    'error',
    'rejected',
  ])
  .openapi('StopReason');

export const UsageSchema = z
  .object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    totalTokens: z.number(),
    costUsd: z.number(),
    modelCalls: z.number(),
    toolCalls: z.number(),
    durationMs: z.number(),
  })
  .openapi('RunUsage');

export const PendingCallSchema = z
  .object({
    callId: z.string(),
    tool: z.string(),
    input: json,
    inputHash: z
      .string()
      .openapi({ description: 'sha256 of the canonical JSON input; decisions carry it back' }),
    reason: z.enum(['approval', 'outcome_unknown']),
  })
  .openapi('PendingCall');

const RunErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  retryable: z.boolean(),
  context: z
    .object({
      holderRunId: z
        .string()
        .optional()
        .openapi({ description: '`run.busy`, `run.steered`: the run that held the session' }),
    })
    .optional(),
});

export const RunRecordSchema = z
  .object({
    runId: z.string(),
    sessionId: z.string(),
    agentId: z.string(),
    parentRunId: z.string().optional(),
    /** The process (a worker) that drove the latest segment of a durable run. */
    worker: z.string().optional(),
    status: RunStatusSchema,
    stopReason: StopReasonSchema.optional(),
    input: z.string(),
    output: z.string().optional(),
    durable: z.boolean(),
    usage: UsageSchema,
    pending: z.array(PendingCallSchema),
    error: RunErrorSchema.optional(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Run');

export const RunPageSchema = z
  .object({
    runs: z.array(RunRecordSchema),
    nextCursor: z
      .string()
      .optional()
      .openapi({ description: 'Pass as `cursor` for the next page; absent on the last' }),
  })
  .openapi('RunPage');

export const RunListQuerySchema = z.object({
  agent: z.string().optional().openapi({ description: 'Only runs of this agent' }),
  status: RunStatusSchema.optional(),
  session: z.string().optional().openapi({ description: 'Only runs of this session' }),
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Runs created at or after' }),
  until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Runs created before' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: 'Page size (default 50)' }),
  cursor: z.string().max(400).optional().openapi({ description: '`nextCursor` of the previous page' }),
});

const BudgetSchema = z
  .object({
    maxSteps: z.number().int().positive().optional(),
    maxToolCalls: z.number().int().nonnegative().optional(),
    maxInputTokens: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    maxTotalTokens: z.number().int().positive().optional(),
    maxCostUsd: z.number().positive().optional(),
    maxDurationMs: z.number().int().positive().optional(),
  })
  .strict()
  .openapi('Budget');

/** The values of `sessionPolicy` (core's `SessionBusyPolicy`). */
export const SESSION_POLICIES = ['reject', 'enqueue', 'interrupt', 'steer'] as const;

export const StartRunSchema = z
  .object({
    agent: z.string().min(1),
    input: z.string().max(1_000_000),
    sessionId: z.string().min(1).max(200).optional(),
    sessionPolicy: z.enum(SESSION_POLICIES).optional().openapi({
      description:
        "What happens when `sessionId` already has an active run (overrides the agent's `session.onBusy`): `reject` answers 409 `run.busy` naming that run; `enqueue` starts this run once that one ended; `interrupt` stops that run at its next safe point (resumable), then starts this one; `steer` stores `input` in that run's inbox instead and answers at once (state `steered`, no new run; the run takes the input at its next step boundary). Needs `sessionId`. With a shared queue (bullmq) the run is `queued` and the worker that takes it applies the policy: `reject` ends it failed with `run.busy`, `steer` ends it rejected with `run.steered` (both name the active run in `error.context.holderRunId`).",
    }),
    durable: z.boolean().optional(),
    budget: BudgetSchema.optional(),
  })
  .strict()
  .refine((body) => body.sessionPolicy === undefined || body.sessionId !== undefined, {
    path: ['sessionPolicy'],
    message: 'sessionPolicy needs a sessionId: a run without one gets a session of its own, never busy',
  })
  .openapi('StartRun');

export const RunAcceptedSchema = z
  .object({
    runId: z.string().openapi({ description: 'The run (`steered`: the active run that received the input)' }),
    /**
     * `running` once the run has started here; `queued` when a queue drives it; `finished` when it already
     * ended (`run` is its record); `steered` when the input was stored in the session's active run's inbox
     * instead (that run takes it at its next step boundary).
     */
    state: z.enum(['running', 'queued', 'finished', 'steered']),
    run: RunRecordSchema.optional(),
    inputSeq: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: "`steered`: the input's position in the active run's inbox" }),
  })
  .openapi('RunAccepted');

export const DecisionSchema = z
  .union([
    z.object({
      approve: z.literal(true),
      input: json.optional(),
      sticky: z.boolean().optional(),
      inputHash: z.string().optional(),
    }),
    z.object({
      approve: z.literal(false),
      reason: z.string().max(10_000).optional(),
      sticky: z.boolean().optional(),
      inputHash: z.string().optional(),
    }),
    z.object({ outcome: z.literal('retry') }),
    z.object({ outcome: z.literal('skip'), result: json }),
    z.object({ outcome: z.literal('fail'), reason: z.string().optional() }),
  ])
  .openapi('Decision');

export const ResumeSchema = z
  .object({ decisions: z.record(z.string(), DecisionSchema).optional() })
  .strict()
  .openapi('Resume');

export const SendInputSchema = z
  .object({ input: z.string().min(1).max(1_000_000).openapi({ example: 'Use metric units' }) })
  .strict()
  .openapi('SendInput');

export const InputReceiptSchema = z
  .object({
    runId: z.string(),
    /** Position in the run's inbox: the run receives inputs in this order, each once. */
    seq: z.number().int().positive(),
    /** The run's status when the input was stored. */
    status: z.string().openapi({ example: 'running' }),
  })
  .openapi('InputReceipt');

export const CancelSchema = z
  .object({ reason: z.string().max(2000).optional() })
  .strict()
  .openapi('Cancel');

export const EventSchema = z
  .object({
    type: z.string().openapi({ example: 'tool.approval_requested' }),
    runId: z.string(),
    sessionId: z.string(),
    agentId: z.string(),
    seq: z.number().int(),
    time: z.string().openapi({ format: 'date-time' }),
    data: z.record(z.string(), json),
  })
  .openapi('Event');

export const EventPageSchema = z
  .object({ events: z.array(EventSchema), lastSeq: z.number().int() })
  .openapi('EventPage');

export const EventQuerySchema = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ description: 'Only events with `seq` above this' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(500)
    .openapi({ description: 'Page size (default 500)' }),
});

export const ApprovalSchema = z
  .object({
    runId: z.string(),
    agentId: z.string(),
    sessionId: z.string(),
    callId: z.string(),
    tool: z.string(),
    input: json,
    inputHash: z.string(),
    reason: z.enum(['approval', 'outcome_unknown']),
    inputSchema: z
      .record(z.string(), json)
      .optional()
      .openapi({ description: "JSON Schema of the tool's input" }),
    requestedAt: z.string().openapi({ format: 'date-time' }),
    /** A decision already recorded for this call while others of the run are still undecided. */
    decided: z.boolean(),
  })
  .openapi('Approval');

export const ApprovalListSchema = z.object({ approvals: z.array(ApprovalSchema) }).openapi('ApprovalList');

export const ApprovalDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'deny']),
    /** The edited input (approve only); checked against the tool's schema. */
    input: json.optional(),
    /** Why the call was denied; the model is told (deny only). */
    reason: z.string().max(10_000).optional(),
    /** Apply the same decision to later calls of this tool in the run. */
    always: z.boolean().optional(),
    /** The `inputHash` shown with the approval: refused when the call changed since. */
    inputHash: z.string(),
  })
  .strict()
  .openapi('ApprovalDecision');

export const DecisionAcceptedSchema = z
  .object({
    runId: z.string(),
    /**
     * `resumed`: every pending call is decided and the run continues here; `queued`: it continues on a
     * worker of the shared queue; `recorded`: others still wait; `finished`: it already ended again.
     */
    state: z.enum(['resumed', 'queued', 'recorded', 'finished']),
    waitingFor: z.array(z.string()),
  })
  .openapi('DecisionAccepted');

export const ToolDescriptionSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    inputSchema: z.record(z.string(), json),
    sideEffects: z.enum(['none', 'idempotent', 'unsafe']),
    approval: z.enum(['always', 'never', 'rule']),
  })
  .openapi('Tool');

export const AgentSchema = z
  .object({
    id: z.string(),
    description: z.string().optional(),
    durable: z.boolean(),
    budget: z.record(z.string(), z.number()),
    approvals: z.record(z.string(), json).optional(),
    tools: z.array(ToolDescriptionSchema),
  })
  .openapi('Agent');

export const AgentListSchema = z.object({ agents: z.array(AgentSchema) }).openapi('AgentList');

export const AgentDetailSchema = AgentSchema.extend({
  config: z
    .record(z.string(), json)
    .optional()
    .openapi({ description: "The agent's resolved config, secrets redacted" }),
}).openapi('AgentDetail');

export const WhoAmISchema = z
  .object({
    role: z.enum(['viewer', 'approver', 'operator', 'admin']),
    /** `open`: no tokens are configured (loopback only), every caller is admin. */
    auth: z.enum(['token', 'open']),
    /** A problem with the config being served (`agentry dev`), with file:line. */
    configError: z.string().optional(),
  })
  .openapi('WhoAmI');

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() })),
  })
  .openapi('Health');

export const RunIdParam = z.object({
  runId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'runId', in: 'path' } }),
});

export const AgentIdParam = z.object({
  agentId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'agentId', in: 'path' } }),
});

export const CallParams = RunIdParam.extend({
  callId: z
    .string()
    .min(1)
    .max(400)
    .openapi({ param: { name: 'callId', in: 'path' } }),
});

export const PublishEventSchema = z
  .object({
    name: z.string().min(1).max(200).openapi({
      example: 'ticket.created',
      description:
        "Letters, digits, `_`, `.`, `:` and `-`; the runtime's own prefixes (`run.`, `tool.`, `trigger.`, `event.` …) are reserved",
    }),
    payload: json
      .optional()
      .openapi({ description: 'Any JSON (default `null`); event triggers match on it' }),
  })
  .strict()
  .openapi('PublishEvent');

export const PublishedEventSchema = z
  .object({
    name: z.string(),
    payload: json,
    publishedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('PublishedEvent');

export const WebhookAcceptedSchema = z
  .object({
    runId: z.string(),
    duplicate: z.boolean().optional().openapi({
      description: 'A redelivery (same idempotency key): nothing started; `runId` is the first run',
    }),
  })
  .openapi('WebhookAccepted');
