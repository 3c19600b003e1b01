// Renders docs/reference/events.md from packages/core/src/contracts/events.ts (the EventMap), the
// descriptions below, and a scan of the source for the files that emit each event type.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** When each event is emitted (checked against the runtime code; keep in step with it). */
export const WHEN = {
  'run.started':
    'A new run begins (`runtime.run` / `runtime.stream`), before the session lease is taken; or a durable run starts again from its input because nothing of it was checkpointed (`run.resumed` follows: `recovery` from `runtime.resume`, `retry` from automatic resume). Always `seq` 1. `parentRunId` is copied from the run request (`runtime.run({ parentRunId })`).',
  'run.suspended':
    'The run stops to wait for decisions: `stopReason` is `awaiting_approval` or `outcome_unknown`, `pending` lists the calls (`reason`: `approval` or `outcome_unknown`). Last event of the segment; `runtime.resume` continues it.',
  'run.resumed':
    'First event of every resumed segment. `reason`: `decision` (`runtime.resume` of a suspended run), `recovery` (`runtime.resume` of a durable run whose process stopped while it was `running`), `retry` (automatic resume after a retryable failure). `fromStep` is the model call index the run continues at.',
  'run.completed':
    'The pattern is done and the output passed validation: the last event of the run. `usage` covers every segment.',
  'run.failed':
    'The run stopped with an error, a budget limit or a timeout (`error.code` says which: `run.timeout`, `budget.exhausted`, `model.rate_limited` …). A durable run with a retryable error may be followed by `run.resumed` (`reason: retry`).',
  'run.cancelled':
    "`runtime.cancel(runId, reason)` or the request's `signal` aborted the run for good (the CLI: Ctrl-C on a run that is not durable).",
  'run.interrupted':
    "`runtime.interrupt(runId, reason)`, `runtime.close({ mode: 'interrupt' })`, a worker drain or the CLI on SIGINT/SIGTERM stopped a durable run at a safe point: its checkpoint is written and its run lease released; `agentry resume` (or a worker) continues it, followed by `run.resumed` (`reason: recovery`).",
  'run.rejected':
    "The run was refused before it started, its only event: a `beforeRun` hook blocked it (`code: run.rejected`) or threw (`run.hook_failed`), or its `deadline` had passed (`run.deadline_passed`). No model call, no tool; the run's record ends `rejected`.",
  'run.input_received':
    'Input sent into the run (`runtime.send`, `agentry send`, `POST /api/v1/runs/{runId}/input`, or a request with session policy `steer`) reached the pattern, at the step boundary before its next model call (a run suspended, interrupted or queued gets it when it continues). One event per input, in `seq` order, emitted by the process driving the run; the input is in the next checkpoint, so a resumed run neither loses nor repeats it.',
  'run.queued':
    '`runtime.enqueue(request)` submitted the run to the configured queue (`queue` names it); a worker starts it later with `run.started`. `priority` and `runAt` (epoch ms) are passed through when given.',
  'step.started':
    'Before each model call (after the budget check). `step` is the step number, from 1 (see [Step numbers](#step-numbers)).',
  'step.completed':
    'A step is over: right after `model.responded` when the response has no tool calls, otherwise once every tool call of that response has a result. Not emitted when the turn suspends.',
  'model.requested':
    'The assembled messages go to the model (after `context.assembled`). `messages` and `tools` are counts.',
  'model.delta':
    'A piece of streamed text. Only runs started with `runtime.stream` stream (when the model supports it); `runtime.run` does not (`agentry run` streams).',
  'model.responded':
    "The model answered. `toolCalls` holds the model's own call ids and tool names; `usage` is this call's tokens.",
  'model.failed':
    'The model call threw (not when the run was aborted). `run.failed` follows unless the pattern handles it.',
  'tool.requested':
    'The model asked for a call, before its input is validated. `callId` is `<runId>:<step>:<model call id>`, stable across resume. Not repeated when a resumed run reaches the same call again. A call of a tool the agent does not have is reported too, followed by `tool.failed` (`tool.not_found`).',
  'tool.approval_requested':
    'The approval gate says `ask` and no decision exists: the call is added to the pending list; the run suspends once the other calls of the turn are done. `inputHash` is the sha256 of the canonical JSON input.',
  'tool.approved':
    'A resume decision `{ approve: true }` was applied to the call, just before it runs. `edited`: the decision replaced the input; `sticky`: later calls of this tool in the run are allowed without asking.',
  'tool.denied':
    'The call will not run: a resume decision `{ approve: false, reason }`, or a policy (agent `approvals`, run request `approvals`, a sticky deny) that says `deny`. The model receives a `tool.denied` error result with the reason. No `tool.failed` follows.',
  'tool.started':
    'The call passed the gate, the budget and the before hooks and is handed to the tool executor. In a durable run a tool with side effects has its `started` ledger record checkpointed first.',
  'tool.succeeded':
    "The call returned (after hooks applied). `replayed: true` when a resumed run found the outcome in the ledger and did not run the tool again. Also emitted for an `outcome_unknown` call resolved with `skip` (the given result). An output larger than the agent's `maxToolOutputBytes` reaches the model (and the checkpoint) truncated, ending with an `[output truncated: …]` marker.",
  'tool.failed':
    "The call ended with an error result: the tool threw, timed out, was vetoed by a before hook (`tool.vetoed`), the model's input did not match the schema (`tool.input_invalid`), or the model named a tool the agent does not have (`tool.not_found`). The error goes back to the model as a tool result.",
  'memory.injected':
    "A memory's `inject` returned, before the first model call of a fresh run (never on resume). `messages` is how many it added.",
  'memory.written': "A memory's `writeback` finished, when the run completes.",
  'memory.failed':
    "`inject` or `writeback` threw. With the memory's `onError: 'continue'` the run goes on without it; with `'fail'` the run fails (`run.failed` follows).",
  'context.assembled':
    'The context assembler built the messages for the next model call. `kept` / `omitted` count messages.',
  'checkpoint.saved':
    "A durable run's checkpoint was acknowledged by the store: after each model response, and before a tool with side effects starts and after its result. Not emitted for the final save of a segment (after `run.completed`, `run.suspended` …) nor by non-durable runs. It is stored with the next checkpoint. The CLI shows it as a ◆ line.",
  'budget.exceeded':
    "A budget limit stopped the run (`limit` is a key of the run's `Budget`: `maxSteps`, `maxToolCalls`, `maxTotalTokens`, `maxCostUsd`, `maxDurationMs` …; `used` and `max`). `run.failed` follows, with stop reason `max_steps`, `budget_exhausted` or `timeout`.",
  'subscriber.failed':
    'A bus subscriber threw or rejected while handling an event. Published by the bus to the other subscribers only, with the `seq` of the event that failed; not part of the stored event log.',
  'pattern.planned': 'The `plan-execute` pattern made its plan, or a new one (`replans > 0`).',
  'trigger.fired':
    'A trigger (`agents.<agent>.triggers`: cron, interval, webhook, event) enqueued a run: `trigger` is `<agent>.<id>`, `payloadDigest` the SHA-256 of the payload JSON, `runId` the run. Published on the bus only (`seq` 0, envelope `runId` = that run); the run follows with `run.queued` and `run.started`.',
  'trigger.skipped':
    "A trigger's firing started nothing: `reason` is `overlap` (the trigger's previous run is still active, policy `skip`), `misfire` (ticks missed while nothing ran, policy `skip`), `duplicate` (a webhook redelivery or an event already handled; `runId` is the first run), `deadline` (too late to start) or `invalid` (the input template could not be filled). Bus only (`seq` 0, envelope `runId` = `trigger:<agent>.<id>`).",
  'event.published':
    '`runtime.publish(name, payload)` or `agentry publish <name> [json]` published a custom event; event triggers with `event: <name>` and a matching `where` fire. Bus only (`seq` 0, envelope `runId` = `event:<id>`, `agentId` empty).',
};

const EMIT_PATTERNS = [
  /\bemit\??\.?\(\s*'([a-z_]+\.[a-z_]+)'/g,
  /\bemit\??\.?\(\s*\{\s*type:\s*'([a-z_]+\.[a-z_]+)'/g,
  /AgentryEvent<'([a-z_]+\.[a-z_]+)'>\s*=\s*\{/g,
];

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['testing', 'contracts', '__fixtures__', 'node_modules', 'dist'].includes(entry.name))
        files.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files.sort();
}

/** Files (relative to the repository root) that emit each event type. */
export function findEmitters(repoRoot) {
  const emitters = new Map();
  for (const pkg of ['packages/core/src', 'packages/plugins/src']) {
    for (const file of sourceFiles(join(repoRoot, pkg))) {
      // Code only: TSDoc examples and comments that mention an emit do not count.
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      for (const pattern of EMIT_PATTERNS) {
        for (const match of text.matchAll(pattern)) {
          const list = emitters.get(match[1]) ?? new Set();
          list.add(relative(repoRoot, file).split('\\').join('/'));
          emitters.set(match[1], list);
        }
      }
    }
  }
  return emitters;
}

const flat = (text) => text.replace(/\s+/g, ' ').replace(/;\s*}/g, ' }').trim();
const cell = (text) => text.replace(/\|/g, '\\|');

/** The EventMap of events.ts: `[{ type, doc, fields: [{ name, optional, type, doc }] }]` in declaration order. */
export function readEventMap(source) {
  const file = ts.createSourceFile('events.ts', source, ts.ScriptTarget.Latest, true);
  const map = file.statements.find(
    (node) => ts.isInterfaceDeclaration(node) && node.name.text === 'EventMap',
  );
  if (!map) throw new Error('events.ts has no `interface EventMap`');
  const docOf = (node) =>
    (node.jsDoc ?? [])
      .map((doc) => (typeof doc.comment === 'string' ? doc.comment : ''))
      .join(' ')
      .trim();
  return map.members.map((member) => {
    const type = member.name.text;
    const literal = member.type;
    const fields = ts.isTypeLiteralNode(literal)
      ? literal.members.map((field) => ({
          name: field.name.getText(file),
          optional: field.questionToken !== undefined,
          type: flat(field.type.getText(file)),
          doc: docOf(field),
        }))
      : [];
    return { type, doc: docOf(member), fields };
  });
}

const HEADER = `# Events

<!-- Generated by packages/core/scripts/gen-events-doc.mjs from packages/core/src/contracts/events.ts and a scan of
the source for emitters. Do not edit: change the descriptions in packages/core/scripts/events-doc.mjs, then run
\`node packages/core/scripts/gen-events-doc.mjs\`. A test fails when this page drifts. -->

Every run event travels in one envelope, typed by \`EventMap\` in
[\`contracts/events.ts\`](../../packages/core/src/contracts/events.ts):

\`\`\`ts
interface AgentryEvent<T extends EventType> {
  type: T;            // 'tool.succeeded' …
  runId: string;
  sessionId: string;  // the run id when the run was started without a session
  agentId: string;
  seq: number;        // 1, 2, 3 … per run, across every resume
  time: string;       // ISO-8601
  data: EventMap[T];  // the payload below
}
\`\`\`

- **seq** is contiguous per run and starts at 1; a resumed run continues the sequence. When a durable run's
  process dies, events after its last checkpoint are lost and the resumed run emits new events from the next
  \`seq\` on, so the stored log has no gaps and no duplicates. (Live subscribers may already have received the
  lost events; the resumed run reuses their \`seq\` numbers.)
- **Stored per run.** A durable run stores its events with every checkpoint (inline in the checkpoint head until
  they are moved to the store namespace \`events\`); other runs store them when they suspend or end.
  \`runtime.runs.events(runId, { afterSeq })\` and \`agentry events <runId>\` (\`--json\` for NDJSON, \`--follow\` polls)
  read them back, whatever bus was configured.
- **Delivered live** through the runtime's event bus: \`runtime.events.on(type, handler)\` or \`onAny(handler)\`;
  \`runtime.stream(request)\` hands back the events of one run, in order, with its \`result\`. A handler that throws or rejects is logged and
  reported to the other subscribers as \`subscriber.failed\`; it never breaks the run or the process.
  How a run (or a segment of it) ended — \`run.completed\`, \`run.failed\`, \`run.suspended\`, \`run.cancelled\`,
  \`run.interrupted\`, \`run.rejected\` (the list is exported as \`RUN_ENDING_EVENTS\`) —
  reaches the bus once the run's record and events are stored: a handler that reads the run
  (\`runtime.runs.get\`, \`GET /api/v1/runs/{runId}\`) finds it ended.
- **No secrets.** Payloads that carry user or tool data (\`input\`, \`output\`, \`text\`, error messages) pass the
  redactor first.

## Step numbers

Steps are numbered from 1, the same way everywhere: step N is the run's N-th model call together with the
tool calls its response asked for.

| where | what it shows for the 2nd model call of run \`run_a\` |
|---|---|
| \`step.started\`, \`step.completed\`, \`context.assembled\`, \`model.*\` | \`"step": 2\` |
| call ids \`<runId>:<step>:<model tool-call id>\` (\`tool.*\`, pending calls, \`agentry resume --approve\`) | \`run_a:2:call_2_1\` (the scripted model's own ids are \`call_<step>_<n>\`, \`n\` from 1) |
| \`ToolContext.step\` | \`2\` |
| CLI progress, \`agentry events\`, error messages | \`model step 2 …\` |
| \`checkpoint.saved.step\`, \`run.resumed.fromStep\` (steps done so far) | \`2\` once step 2's model response is saved (\`0\`: at the start) |

Only \`ModelRequest.callIndex\`, which a model plugin receives, is an index from 0 (step N has \`callIndex\` N - 1).
Runs checkpointed before this numbering (whose call ids carried the 0-based index) resume unchanged: the turn
they stopped in keeps the ids it was recorded with ([call-id.ts](../../packages/core/src/runtime/tools/call-id.ts)).

A typical run: \`run.started\` → per step \`step.started\`, \`context.assembled\`, \`model.requested\`,
\`model.responded\`, then per tool call \`tool.requested\`, \`tool.started\`, \`tool.succeeded\` → \`step.completed\` …
→ \`run.completed\`. Payload types (\`RunUsage\`, \`TokenUsage\`, \`StopReason\` …) are in
[\`contracts/run.ts\`](../../packages/core/src/contracts/run.ts) and [\`contracts/model.ts\`](../../packages/core/src/contracts/model.ts).
`;

/** The whole page. Throws when an event type has no description, or a description names no event type. */
export function renderEventsDoc(source, emitters) {
  const events = readEventMap(source);
  const types = new Set(events.map((event) => event.type));
  const missing = events.filter((event) => WHEN[event.type] === undefined).map((event) => event.type);
  const extra = Object.keys(WHEN).filter((type) => !types.has(type));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `events-doc.mjs WHEN is out of step with EventMap: missing ${missing.join(', ') || 'none'}; unknown ${extra.join(', ') || 'none'}`,
    );
  }
  const link = (file) => `[${file.split('/').pop()}](../../${file})`;
  const lines = [HEADER, '## Event types', '', '| type | emitted from |', '|---|---|'];
  for (const event of events) {
    const files = [...(emitters.get(event.type) ?? [])];
    lines.push(
      `| [\`${event.type}\`](#${event.type.replace(/\./g, '')}) | ${files.length > 0 ? files.map(link).join(' · ') : '**not emitted yet**'} |`,
    );
  }
  for (const event of events) {
    lines.push('', `### \`${event.type}\``, '', WHEN[event.type]);
    if (event.doc) lines.push('', event.doc);
    lines.push('', '| field | type | |', '|---|---|---|');
    for (const field of event.fields) {
      lines.push(
        `| \`${field.name}\` | \`${cell(field.type)}\` | ${field.optional ? 'optional' : ''}${field.doc ? ` ${cell(field.doc)}` : ''} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
