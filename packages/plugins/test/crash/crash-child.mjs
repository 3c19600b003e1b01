// Crash-test child: runs durable agents against built `dist` code, for the crash harness (crash-harness.ts).
// Input: one JSON argument { store, dir, inlineTailBytes, runLeaseTtlMs?, tasks: [...] }. Output: one JSON line per task result.
// Tools append to ledger files in `dir` (outside the store), so duplicate effects are counted independently.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultRuntime, defineTool, MittEventBus, ScriptedModel } from '@agentry/core';
import { armCrashPoint, crashPoint, StoreCheckpointer } from '@agentry/core/internal';
import { z } from 'zod';

const startedAt = performance.now();
const options = JSON.parse(process.argv[2]);
const { dir } = options;
const effectsFile = join(dir, 'effects.ndjson');
const executionsFile = join(dir, 'executions.ndjson');

/** Opens the store of `spec`, loading only that store's module (as `type: <kind>` in a config does). */
async function openStore(spec) {
  if (spec.kind === 'sqlite') {
    const { SqliteStore } = await import('@agentry/plugins/store/sqlite');
    return new SqliteStore({ path: spec.path });
  }
  if (spec.kind === 'redis') {
    const { RedisStore } = await import('@agentry/plugins/store/redis');
    return new RedisStore({ url: spec.url, prefix: spec.prefix });
  }
  if (spec.kind === 'postgres') {
    const { PostgresStore } = await import('@agentry/plugins/store/postgres');
    return new PostgresStore(spec.options);
  }
  throw new Error(`unknown store ${spec.kind}`);
}

function lines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

function record(file, entry) {
  appendFileSync(file, `${JSON.stringify({ ...entry, pid: process.pid })}\n`);
}

/** A tool that records each execution, and (unless `none`) one effect per execution or per key. */
function ledgerTool(name, sideEffects, approval = 'never') {
  return defineTool({
    name,
    description: `${name} (${sideEffects})`,
    input: z.object({ value: z.string() }),
    sideEffects,
    approval,
    execute: (input, context) => {
      const entry = { runId: context.runId, tool: name, key: context.idempotencyKey };
      record(executionsFile, entry);
      if (sideEffects === 'none') return { read: input.value };
      // An idempotent API: a second request with the same key changes nothing.
      const seen = sideEffects === 'idempotent' && lines(effectsFile).some((line) => line.key === entry.key);
      if (!seen) record(effectsFile, entry);
      crashPoint('tool-effect');
      return { done: input.value, key: context.idempotencyKey };
    },
  });
}

// Four model calls: (lookup none + reserve idempotent), charge unsafe, (notify idempotent + lookup none), answer.
const script = [
  {
    text: 'looking up',
    toolCalls: [
      { tool: 'lookup', input: { value: 'a' } },
      { tool: 'reserve', input: { value: 'seat' } },
    ],
  },
  { text: 'charging', toolCalls: [{ tool: 'charge', input: { value: '5 EUR' } }] },
  {
    text: 'notifying',
    toolCalls: [
      { tool: 'notify', input: { value: 'mail' } },
      { tool: 'lookup', input: { value: 'b' } },
    ],
  },
  'all done',
];
const approvalScript = [
  { text: 'asking', toolCalls: [{ tool: 'transfer', input: { value: '100 EUR' } }] },
  'transferred',
];

const store = await openStore(options.store);
const runtime = new DefaultRuntime({
  store,
  events: new MittEventBus(),
  agents: {
    crash: {
      model: new ScriptedModel({ script }),
      durable: true,
      tools: [
        ledgerTool('lookup', 'none'),
        ledgerTool('reserve', 'idempotent'),
        ledgerTool('charge', 'unsafe'),
        ledgerTool('notify', 'idempotent'),
      ],
    },
    approve: {
      model: new ScriptedModel({ script: approvalScript }),
      durable: true,
      tools: [ledgerTool('transfer', 'unsafe', 'always')],
    },
  },
  // Short run leases: a resume right after a SIGKILL waits for the dead child's lease to expire.
  runLeaseTtlMs: options.runLeaseTtlMs ?? 300,
  durablePersistence: new StoreCheckpointer({
    store,
    runtimeVersion: 'crash-test',
    inlineTailBytes: options.inlineTailBytes,
  }),
});

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Resumes a crashed run to the end, deciding unknown outcomes the way an operator would (from the effects ledger). */
async function resumeToEnd(runId) {
  const began = performance.now();
  let result = await runtime.resume(runId);
  const resumeMs = performance.now() - began;
  const unknown = [];
  for (
    let round = 0;
    result.status === 'suspended' && result.stopReason === 'outcome_unknown' && round < 5;
    round++
  ) {
    const decisions = {};
    for (const pending of result.pending) {
      const effect = lines(effectsFile).find((line) => line.key === pending.callId);
      unknown.push({ callId: pending.callId, tool: pending.tool, effectHappened: effect !== undefined });
      decisions[pending.callId] =
        effect === undefined
          ? { outcome: 'retry' }
          : { outcome: 'skip', result: { done: 'recorded', key: pending.callId } };
    }
    result = await runtime.resume(runId, { decisions });
  }
  const events = await runtime.runs.events(runId);
  return { result, resumeMs, unknown, events };
}

function summarizeEvents(events) {
  const seqs = events.map((event) => event.seq);
  const contiguous = seqs.every((seq, index) => seq === index + 1);
  const succeeded = new Map();
  for (const event of events) {
    if (event.type === 'tool.succeeded' && !event.data.replayed) {
      succeeded.set(event.data.callId, (succeeded.get(event.data.callId) ?? 0) + 1);
    }
  }
  return {
    count: events.length,
    contiguous,
    first: events[0]?.type,
    last: events.at(-1)?.type,
    duplicateSucceeded: [...succeeded.values()].filter((count) => count > 1).length,
  };
}

for (const task of options.tasks) {
  if (task.action === 'resume') {
    armCrashPoint(undefined);
    const { result, resumeMs, unknown, events } = await resumeToEnd(task.runId);
    emit({
      action: 'resume',
      runId: task.runId,
      status: result.status,
      stopReason: result.stopReason,
      error: result.error,
      resumeMs,
      sinceSpawnMs: performance.now() - startedAt,
      unknown,
      events: summarizeEvents(events),
    });
  } else if (task.action === 'run') {
    armCrashPoint(task.crashAt);
    const result = await runtime.run({ agent: task.agent ?? 'crash', input: 'go', runId: task.runId });
    armCrashPoint(undefined);
    emit({
      action: 'run',
      runId: task.runId,
      status: result.status,
      stopReason: result.stopReason,
      pending: result.pending,
      error: result.error,
    });
  } else if (task.action === 'approve') {
    const record = await runtime.runs.get(task.runId);
    const decisions = Object.fromEntries(
      record.pending.map((pending) => [pending.callId, { approve: true }]),
    );
    const result = await runtime.resume(task.runId, { decisions });
    const events = await runtime.runs.events(task.runId);
    emit({
      action: 'approve',
      runId: task.runId,
      status: result.status,
      output: result.output,
      approved: Object.keys(decisions),
      events: summarizeEvents(events),
    });
  }
}
await runtime.close();
process.exit(0);
