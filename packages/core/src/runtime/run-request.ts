/** Validation of run and resume requests, and agent lookup with did-you-mean. */
import { z } from 'zod';
import { suggestionHint } from '../config/did-you-mean.js';
import type { ResumeRequest, RunRequest } from '../contracts/run.js';
import { RunError } from '../errors/agentry-error.js';

/**
 * The zod schemas of run and resume requests, built by the first request that
 * needs them rather than when `@agentry/core` is imported.
 */
function buildSchemas() {
  const approvalAction = z.enum(['allow', 'deny', 'ask']);
  const limit = z.number().nonnegative().optional();

  const runRequestSchema = z.object({
    agent: z.string().min(1),
    input: z.string(),
    sessionId: z.string().min(1).optional(),
    durable: z.boolean().optional(),
    approvals: z
      .object({ default: approvalAction.optional(), tools: z.record(z.string(), approvalAction).optional() })
      .strict()
      .optional(),
    budget: z
      .object({
        maxSteps: limit,
        maxToolCalls: limit,
        maxInputTokens: limit,
        maxOutputTokens: limit,
        maxTotalTokens: limit,
        maxCostUsd: limit,
        maxDurationMs: limit,
      })
      .strict()
      .optional(),
    parentRunId: z.string().min(1).optional(),
    runId: z.string().min(1).optional(),
    signal: z.instanceof(AbortSignal).optional(),
    deadline: z
      .union([
        z.number().nonnegative(),
        z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not an ISO-8601 time'),
      ])
      .optional(),
    metadata: z.record(z.string(), z.json()).optional(),
    sessionPolicy: z.enum(['reject', 'enqueue', 'interrupt', 'steer']).optional(),
  });

  const inputHash = z.string().optional();
  const decisionSchema = z.union([
    z
      .object({
        approve: z.literal(true),
        input: z.json().optional(),
        sticky: z.boolean().optional(),
        inputHash,
      })
      .strict(),
    z
      .object({
        approve: z.literal(false),
        reason: z.string().optional(),
        sticky: z.boolean().optional(),
        inputHash,
      })
      .strict(),
    z.object({ outcome: z.literal('retry') }).strict(),
    z.object({ outcome: z.literal('skip'), result: z.json() }).strict(),
    z.object({ outcome: z.literal('fail'), reason: z.string().optional() }).strict(),
  ]);

  const resumeRequestSchema = z.object({
    decisions: z.record(z.string(), decisionSchema).optional(),
    signal: z.instanceof(AbortSignal).optional(),
  });
  return { runRequestSchema, resumeRequestSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;

function requestSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas();
  return schemas;
}

const SIMPLE_KEYS: ReadonlySet<string> = new Set([
  'agent',
  'input',
  'sessionId',
  'runId',
  'parentRunId',
  'durable',
]);

/** The common request (strings and a flag only) checked without building a zod result. */
function isSimpleValidRequest(request: RunRequest): boolean {
  if (typeof request !== 'object' || request === null) return false;
  if (typeof request.agent !== 'string' || request.agent === '' || typeof request.input !== 'string')
    return false;
  for (const key in request) {
    const value = (request as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!SIMPLE_KEYS.has(key)) return false;
    if (key === 'durable' ? typeof value !== 'boolean' : typeof value !== 'string' || value === '')
      return false;
  }
  return true;
}

/** Throws `RunError('run.request_invalid')` naming the bad field. */
export function checkRunRequest(request: RunRequest): void {
  if (isSimpleValidRequest(request)) return;
  const result = requestSchemas().runRequestSchema.safeParse(request);
  if (!result.success) {
    throw new RunError('run.request_invalid', {
      message: `Invalid run request:\n${z.prettifyError(result.error)}`,
      hint: 'Pass { agent: "<name>", input: "<text>" } plus optional sessionId, durable, approvals, budget.',
    });
  }
}

/** Throws `RunError('run.request_invalid')` for malformed decisions. */
export function checkResumeRequest(runId: string, request: ResumeRequest | undefined): void {
  if (request === undefined) return;
  const result = requestSchemas().resumeRequestSchema.safeParse(request);
  if (!result.success) {
    throw new RunError('run.decision_invalid', {
      message: `Invalid resume request for run ${runId}:\n${z.prettifyError(result.error)}`,
      hint: 'Each decision is { approve: true, input?, sticky? }, { approve: false, reason?, sticky? } or { outcome: "retry" | "skip" | "fail" }.',
      context: { runId },
    });
  }
}

/** Throws `RunError('agent.not_found')` with the closest name. */
export function unknownAgent(name: string, known: readonly string[]): RunError {
  const suggestion = suggestionHint(name, known);
  return new RunError('agent.not_found', {
    message: `No agent named "${name}"${suggestion ? `; ${suggestion}` : ''}`,
    hint: `Configured agents: ${known.join(', ') || 'none'}.`,
    context: { agentId: name },
  });
}

/** The error for a `runId` that is already taken (by a run of this process or a run record). */
export function runExists(runId: string): RunError {
  return new RunError('run.request_invalid', {
    message: `A run with id "${runId}" already exists`,
    hint: 'Leave runId out to get a fresh id, or resume the existing run.',
    context: { runId },
  });
}
