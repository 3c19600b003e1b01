// Soak: many runs of a realistic mix in one process, retained heap measured after a forced GC.
// `node --expose-gc bench/soak-child.js <runs> <sampleAt,...> [src|dist]` prints one JSON line:
// { samples: [{ runs, heapBytes }], statuses: { completed, failed, cancelled, … } }.
// The mix, in cycles of 12 runs: plain and durable runs, runs suspended for an approval and resumed
// (in-process and durable), failed runs (a model fault), a cancelled run, a streamed run, and a run
// in its own session that delegates to a child run. The memory store keeps 200 finished runs
// (retention), so its data reaches a steady state early: what still grows is a per-run leak.
// `src` (used by `npm test`) loads the TypeScript sources through jiti; `dist` (the bench) the build.
import { fileURLToPath } from 'node:url';

const [runsArg = '10000', samplesArg = '2000,10000', source = 'dist'] = process.argv.slice(2);
const total = Number(runsArg);
const sampleAt = new Set(samplesArg.split(',').map(Number));
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

/** The main entry and the internal one (where `StoreCheckpointer` lives), from dist or from src. */
async function loadCore() {
  if (source === 'dist')
    return { ...(await import('../dist/index.js')), ...(await import('../dist/internal.js')) };
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url);
  const entry = (name) => jiti.import(fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url)));
  return { ...(await entry('index')), ...(await entry('internal')) };
}

const core = await loadCore();
const { z } = await import('zod');

const note = core.defineTool({
  name: 'note',
  description: 'Stores a short note',
  input: z.object({ value: z.string() }),
  sideEffects: 'none',
  execute: (input) => ({ stored: input.value.length }),
});
const send = core.defineTool({
  name: 'send',
  description: 'Sends a message (needs an approval)',
  input: z.object({ value: z.string() }),
  sideEffects: 'unsafe',
  approval: 'always',
  execute: (input) => ({ sent: input.value }),
});
let runtime;
const delegate = core.defineTool({
  name: 'delegate',
  description: 'Asks the worker agent',
  input: z.object({ value: z.string() }),
  sideEffects: 'idempotent',
  execute: async (input, context) =>
    (await runtime.childRuns.run({ agent: 'work', input: input.value }, context)).output,
});

const call = (tool, value) => ({ toolCalls: [{ tool, input: { value } }] });
const scripted = (script) => new core.ScriptedModel({ script });
const store = new core.MemoryStore({ retention: { maxRuns: 200 } });
runtime = new core.DefaultRuntime({
  store,
  events: new core.MittEventBus({ logger: core.silentLogger }),
  agents: {
    work: { model: scripted([call('note', 'a'), call('note', 'b'), 'done']), tools: [note] },
    durable: {
      model: scripted([call('note', 'a'), call('note', 'b'), 'done']),
      tools: [note],
      durable: true,
    },
    gate: { model: scripted([call('note', 'a'), call('send', 'b'), 'sent']), tools: [note, send] },
    durableGate: { model: scripted([call('send', 'b'), 'sent']), tools: [send], durable: true },
    broken: { model: scripted([call('note', 'a'), { error: 'bad_request' }]), tools: [note] },
    durableBroken: { model: scripted([{ error: 'auth' }]), tools: [note], durable: true },
    slow: { model: scripted([{ hang: true }]), tools: [note] },
    lead: { model: scripted([call('delegate', 'sub'), 'led']), tools: [delegate] },
  },
  durablePersistence: new core.StoreCheckpointer({ store, runtimeVersion: 'soak' }),
});

async function approveAll(result) {
  const decisions = Object.fromEntries(result.pending.map((pending) => [pending.callId, { approve: true }]));
  return runtime.resume(result.runId, { decisions, signal });
}

async function streamed(request) {
  let last;
  for await (const event of runtime.stream(request)) last = event;
  return { status: last?.type === 'run.completed' ? 'completed' : String(last?.type) };
}

// A service-wide signal every run gets (as an embedding server passes its shutdown signal).
const shutdown = new AbortController();
const signal = shutdown.signal;

/** One run of the mix (a suspended run counts once, with its resume). */
async function one(index) {
  switch (index % 12) {
    case 0:
    case 1:
      return runtime.run({ agent: 'work', input: 'go' });
    case 2:
      return runtime.run({ agent: 'durable', input: 'go', signal });
    case 3:
      return approveAll(await runtime.run({ agent: 'gate', input: 'go', signal }));
    case 4:
      return approveAll(await runtime.run({ agent: 'durableGate', input: 'go', signal }));
    case 5:
      return runtime.run({ agent: 'broken', input: 'go' });
    case 6:
      return runtime.run({ agent: 'durableBroken', input: 'go' });
    case 7: {
      const controller = new AbortController();
      const running = runtime.run({ agent: 'slow', input: 'go', signal: controller.signal });
      setImmediate(() => controller.abort());
      return running;
    }
    case 8:
      return streamed({ agent: 'work', input: 'go' });
    case 9:
      return runtime.run({ agent: 'lead', input: 'go', sessionId: `session-${index}` });
    case 10:
      return runtime.run({ agent: 'durable', input: 'go', sessionId: `session-${index}`, signal });
    default:
      return runtime.run({ agent: 'work', input: 'go' });
  }
}

const statuses = {};
const samples = [];
for (let index = 1; index <= total; index++) {
  const result = await one(index);
  statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  if (sampleAt.has(index)) {
    // Several collections: finalizers and weak references settle over more than one.
    for (let round = 0; round < 4; round++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    samples.push({ runs: index, heapBytes: process.memoryUsage().heapUsed });
  }
}
await runtime.close();
console.log(JSON.stringify({ samples, statuses, finishedRunsKept: store.finishedRuns }));
