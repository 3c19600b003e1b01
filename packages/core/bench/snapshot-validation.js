// Cost of checking a checkpointed snapshot's shape on resume: the shipped hand-written guard next to the
// equivalent zod schema, both measured in this run on the same snapshot (a run at step 20 with a ledger of
// three calls and 40 messages). `node bench/snapshot-validation.js` (build first: `npm run build`).
import { z } from 'zod';
import { messagesProblem, snapshotProblem } from '../dist/internal.js';

const count = z.number().int().nonnegative();
const amount = z.number().nonnegative();
const storedSnapshot = z.object({
  runId: z.string(),
  sessionId: z.string(),
  agentId: z.string(),
  parentRunId: z.string().optional(),
  input: z.string(),
  durable: z.boolean(),
  status: z.enum(['running', 'completed', 'suspended', 'failed', 'cancelled']),
  step: count,
  patternState: z.record(z.string(), z.unknown()),
  usage: z.object({
    inputTokens: amount,
    outputTokens: amount,
    totalTokens: amount,
    costUsd: amount,
    modelCalls: count,
    toolCalls: count,
    durationMs: amount,
  }),
  ledger: z.record(
    z.string(),
    z.object({
      callId: z.string(),
      tool: z.string(),
      inputHash: z.string(),
      sideEffects: z.enum(['none', 'idempotent', 'unsafe']),
      status: z.enum(['requested', 'started', 'succeeded', 'failed']),
      attempts: count,
      outcome: z.object({ ok: z.boolean() }).optional(),
      childRunId: z.string().optional(),
    }),
  ),
  pending: z.array(
    z.object({
      callId: z.string(),
      tool: z.string(),
      inputHash: z.string(),
      reason: z.enum(['approval', 'outcome_unknown']),
    }),
  ),
  sticky: z.record(z.string(), z.enum(['allow', 'deny', 'ask'])),
  decisions: z.record(z.string(), z.record(z.string(), z.unknown())),
  eventSeq: count,
  resumeAttempts: count,
  resumes: count.optional(),
  startedAt: z.string(),
  budget: z.record(z.string(), amount.optional()).optional(),
  approvals: z.record(z.string(), z.unknown()).optional(),
  validationRetries: count.optional(),
});
const messages = z.array(z.object({ role: z.enum(['system', 'user', 'assistant', 'tool']) }).passthrough());

const entry = (index) => ({
  callId: `call-${index}`,
  tool: 'write-file',
  input: { path: `notes-${index}.md`, content: 'x'.repeat(200) },
  inputHash: 'a'.repeat(64),
  sideEffects: 'unsafe',
  status: 'succeeded',
  attempts: 1,
  outcome: { ok: true, output: 'written' },
});
const snapshot = {
  runId: 'run-1',
  sessionId: 'run-1',
  agentId: 'assistant',
  input: 'Summarise notes.md into summary.md',
  durable: true,
  status: 'running',
  step: 20,
  patternState: { steps: 20 },
  usage: {
    inputTokens: 9000,
    outputTokens: 800,
    totalTokens: 9800,
    costUsd: 0.01,
    modelCalls: 20,
    toolCalls: 19,
    durationMs: 5000,
  },
  ledger: { 'call-1': entry(1), 'call-2': entry(2), 'call-3': entry(3) },
  pending: [],
  sticky: { 'write-file': 'allow' },
  decisions: {},
  eventSeq: 120,
  resumeAttempts: 0,
  resumes: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
};
const history = Array.from({ length: 40 }, (_, index) =>
  index % 2 === 0
    ? { role: 'user', content: `turn ${index}` }
    : { role: 'assistant', content: `answer ${index}` },
);

function nsPerCall(iterations, body) {
  for (let index = 0; index < 2000; index += 1) body();
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) body();
  return Number(process.hrtime.bigint() - started) / iterations;
}

const guard = nsPerCall(50_000, () => {
  if (snapshotProblem(snapshot) !== undefined || messagesProblem('messages', history) !== undefined)
    throw new Error('bad');
});
const zod = nsPerCall(50_000, () => {
  if (!storedSnapshot.safeParse(snapshot).success || !messages.safeParse(history).success)
    throw new Error('bad');
});
console.log(
  `snapshot validation per resume: hand-written guard ${(guard / 1000).toFixed(2)} µs, zod ${(zod / 1000).toFixed(2)} µs (zod/guard ${(zod / guard).toFixed(1)}x)`,
);
