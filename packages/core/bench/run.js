// `npm run bench`: the runtime's own cost per step next to a hand-written loop, concurrency, and import time.
// Runs against dist (build first: `npm run build`). Child processes measure RSS and import time in isolation.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { configRows } from './config.js';
import { durableRows } from './durable.js';
import { queueRows } from './queue.js';
import { queueSoakRows } from './queue-soak.js';
import { redactionRows } from './redaction.js';
import { loadCore } from './rows.js';
import { handLoop, noteTool, scriptOf } from './workload.js';

const loadAtStart = os.loadavg();

// Sections to run: all, or those named on the command line (`npm run bench -- start durable`).
const SECTIONS = ['steps', 'concurrent', 'start', 'soak', 'config', 'redaction', 'durable', 'queue'];
const asked = process.argv.slice(2);
for (const name of asked) {
  if (!SECTIONS.includes(name))
    throw new Error(`unknown bench section "${name}"; sections: ${SECTIONS.join(', ')}`);
}
const want = (section) => asked.length === 0 || asked.includes(section);

/**
 * Machine calibration: a fixed loop of plain arithmetic, timed in ms. It does
 * not depend on Agentry, so it tells how fast this machine was during the run
 * (shared machines drift); compare figures from different runs through it.
 */
function calibrationMs() {
  const started = process.hrtime.bigint();
  let sum = 0;
  for (let index = 0; index < 1e8; index += 1) sum += index % 7;
  if (sum < 0) throw new Error('unreachable');
  return Number(process.hrtime.bigint() - started) / 1e6;
}
const calibrationAtStart = calibrationMs();
const core = await loadCore();
const here = fileURLToPath(new URL('.', import.meta.url));

function runtimeFor(steps) {
  const model = new core.ScriptedModel({ script: scriptOf(steps) });
  const tool = noteTool(core);
  const runtime = new core.DefaultRuntime({
    store: new core.MemoryStore(),
    events: new core.MittEventBus({ logger: core.silentLogger }),
    agents: { bench: { model, tools: [tool], pattern: new core.ToolLoopPattern({ maxSteps: steps + 5 }) } },
  });
  return { runtime, model, tool };
}

async function timeIt(iterations, body) {
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) await body(index);
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

async function perStep(steps, iterations) {
  const { runtime, model, tool } = runtimeFor(steps);
  const toolSpecs = [{ name: 'note', description: tool.description, inputSchema: { type: 'object' } }];
  const hand = () => handLoop(model, tool, toolSpecs, 'go');
  const managed = async () => {
    const result = await runtime.run({ agent: 'bench', input: 'go' });
    if (result.status !== 'completed')
      throw new Error(`bench run ended ${result.status}: ${result.error?.message}`);
  };
  for (let round = 0; round < 3; round += 1) {
    await timeIt(Math.ceil(iterations / 4), hand);
    await timeIt(Math.ceil(iterations / 4), managed);
  }
  const handUs = (await timeIt(iterations, hand)) / steps;
  const runtimeUs = (await timeIt(iterations, managed)) / steps;
  await runtime.close();
  return { handUs, runtimeUs };
}

function childJson(args) {
  const output = execFileSync(
    process.execPath,
    [fileURLToPath(new URL('./child.js', import.meta.url)), ...args],
    {
      cwd: here,
      encoding: 'utf8',
    },
  );
  return JSON.parse(output.trim().split('\n').at(-1));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const spread = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const rows = [];
if (want('steps')) {
  const k10 = await perStep(10, 2000);
  const k100 = await perStep(100, 200);
  rows.push({ name: 'hand-written loop, K=10', value: k10.handUs, unit: 'µs/step' });
  rows.push({ name: 'runtime (non-durable), K=10', value: k10.runtimeUs, unit: 'µs/step', target: 30 });
  rows.push({ name: 'ratio runtime/hand, K=10', value: k10.runtimeUs / k10.handUs, unit: '×', target: 10 });
  rows.push({ name: 'hand-written loop, K=100', value: k100.handUs, unit: 'µs/step' });
  rows.push({ name: 'runtime (non-durable), K=100', value: k100.runtimeUs, unit: 'µs/step', target: 30 });
  rows.push({
    name: 'ratio runtime/hand, K=100',
    value: k100.runtimeUs / k100.handUs,
    unit: '×',
    target: 10,
  });
  rows.push({
    name: 'growth K=10 → K=100 (runtime per step)',
    value: k100.runtimeUs / k10.runtimeUs,
    unit: '×',
    target: 1.5,
  });
}

if (want('concurrent')) {
  // Each in a fresh process, five rounds alternating with the baseline: one process varies by ±20% on a shared
  // machine. The target row is steady state, after a warm-up (as the per-step rows above are); the first batch
  // of a fresh process, which also pays the JIT compilation of the runtime's code, is shown next to it.
  const WARMUP_RUNS = 300;
  const concurrent = { runs: [], hand: [], coldRuns: [], coldHand: [] };
  for (let round = 0; round < 5; round += 1) {
    concurrent.runs.push(childJson(['concurrent', '1000', '10', String(WARMUP_RUNS)]));
    concurrent.hand.push(childJson(['concurrent-hand', '1000', '10', String(WARMUP_RUNS)]));
    concurrent.coldRuns.push(childJson(['concurrent', '1000', '10']));
    concurrent.coldHand.push(childJson(['concurrent-hand', '1000', '10']));
  }
  const wall = (samples) => samples.map((sample) => sample.wallMs);
  const runsWall = wall(concurrent.runs);
  const handWall = wall(concurrent.hand);
  const coldRunsWall = wall(concurrent.coldRuns);
  const coldHandWall = wall(concurrent.coldHand);
  rows.push({
    name: `1,000 concurrent hand-written K=10 loops, wall, warm (${spread(handWall)})`,
    value: median(handWall),
    unit: 'ms',
  });
  rows.push({
    name: `1,000 concurrent K=10 runs, wall, warm (median of 5 processes, ${spread(runsWall)})`,
    value: median(runsWall),
    unit: 'ms',
    target: 500,
  });
  rows.push({
    name: 'ratio concurrent runs/hand-written loops, warm',
    value: median(runsWall) / median(handWall),
    unit: '×',
  });
  rows.push({
    name: `1,000 concurrent hand-written K=10 loops, wall, fresh process (${spread(coldHandWall)})`,
    value: median(coldHandWall),
    unit: 'ms',
  });
  rows.push({
    name: `1,000 concurrent K=10 runs, wall, fresh process (${spread(coldRunsWall)})`,
    value: median(coldRunsWall),
    unit: 'ms',
  });
  rows.push({
    name: '1,000 concurrent K=10 runs, peak RSS (highest of 10 processes)',
    value: Math.max(...[...concurrent.runs, ...concurrent.coldRuns].map((sample) => sample.peakRssMb)),
    unit: 'MB',
    target: 250,
  });
}

if (want('start')) {
  // Start: each figure in fresh processes, alternating with its baseline (the AI SDK, a dependency of
  // @agentry/plugins): import, createRuntime from a config object, process start → first result of a K=10 run.
  const bare = [];
  const withCore = [];
  const withAi = [];
  const createMs = [];
  const createAiMs = [];
  const createCpuMs = [];
  const firstResultCpu = [];
  const firstResultAiCpu = [];
  const firstResult = [];
  const firstResultAi = [];
  for (let round = 0; round < 7; round += 1) {
    bare.push(childJson(['bare']).wallMs);
    withCore.push(childJson(['import']).wallMs);
    withAi.push(childJson(['import-ai']).wallMs);
    const created = childJson(['create-runtime']);
    createMs.push(created.createMs);
    createCpuMs.push(created.createCpuMs);
    createAiMs.push(childJson(['create-agent-ai']).createMs);
    const first = childJson(['first-result']);
    firstResult.push(first.wallMs);
    firstResultCpu.push(first.cpuMs);
    const firstAi = childJson(['first-result-ai']);
    firstResultAi.push(firstAi.wallMs);
    firstResultAiCpu.push(firstAi.cpuMs);
  }
  const coreImport = median(withCore) - median(bare);
  const aiImport = median(withAi) - median(bare);
  rows.push({
    name: "import('@agentry/core') beyond bare node start",
    value: coreImport,
    unit: 'ms',
    target: 150,
  });
  rows.push({ name: "import('ai') beyond bare node start (baseline)", value: aiImport, unit: 'ms' });
  rows.push({ name: 'ratio import core/ai', value: coreImport / aiImport, unit: '×', target: 1 });
  rows.push({
    name: `createRuntime(config object, memory store), first call (median of 7 processes, ${spread(createMs)})`,
    value: median(createMs),
    unit: 'ms',
    target: 5,
  });
  rows.push({
    name: 'createRuntime, first call, CPU time (user + system, median of 7)',
    value: median(createCpuMs),
    unit: 'ms',
    target: 5,
  });
  rows.push({
    name: `AI SDK ToolLoopAgent with the same model and tool, first in a fresh process (baseline, ${spread(createAiMs)})`,
    value: median(createAiMs),
    unit: 'ms',
  });
  rows.push({
    name: 'process start → first result of a K=10 run, AI SDK generateText loop (baseline)',
    value: median(firstResultAi),
    unit: 'ms',
  });
  rows.push({ name: 'process start → first result of a K=10 run', value: median(firstResult), unit: 'ms' });
  rows.push({
    name: 'ratio first result core/AI SDK',
    value: median(firstResult) / median(firstResultAi),
    unit: '×',
    target: 1,
  });
  rows.push({
    name: 'ratio first result core/AI SDK, process CPU time (user + system)',
    value: median(firstResultCpu) / median(firstResultAiCpu),
    unit: '×',
    target: 1,
  });
}

if (want('soak')) {
  // Soak: 50,000 runs of a mix (durable and not, suspended and resumed, failed, cancelled, child runs) in one
  // process, retained heap after a forced GC at the 10,000th and the 50,000th run (`npm test` runs it smaller).
  const soak = JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--expose-gc',
        fileURLToPath(new URL('./soak-child.js', import.meta.url)),
        '50000',
        '10000,50000',
        'dist',
      ],
      { cwd: here, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .at(-1),
  );
  const [soakFirst, soakLast] = soak.samples;
  rows.push({
    name: `soak: retained heap after ${soakFirst.runs.toLocaleString('en')} runs (after forced GC)`,
    value: soakFirst.heapBytes / 1024 / 1024,
    unit: 'MB',
  });
  rows.push({
    name: `soak: heap growth from run ${soakFirst.runs.toLocaleString('en')} to ${soakLast.runs.toLocaleString('en')}`,
    value: (soakLast.heapBytes - soakFirst.heapBytes) / 1024 / 1024,
    unit: 'MB',
    target: 1,
  });
}

if (want('config')) {
  rows.push(...(await configRows(core)));
}
if (want('redaction')) {
  rows.push(...(await redactionRows(core)));
}

if (want('durable')) {
  // Durable rows last: they leave Redis and PostgreSQL busy for a while (flushes, autovacuum), which the
  // CPU-bound rows above would otherwise measure too.
  rows.push(...(await durableRows(core)));
}
if (want('queue')) {
  rows.push(...(await queueRows()));
  rows.push(...(await queueSoakRows()));
}

const calibrationAtEnd = calibrationMs();
let failed = false;
const width = Math.max(...rows.map((row) => row.name.length)) + 2;
const printRow = (row) => {
  const ok = row.target === undefined ? undefined : row.value <= row.target;
  const verdict = ok === undefined ? '' : ok ? `  ok (< ${row.target})` : `  OVER TARGET (${row.target})`;
  console.log(
    `${row.name.padEnd(width)} ${row.value.toFixed(row.unit === '×' ? 2 : 1).padStart(9)} ${row.unit}${verdict}`,
  );
  return ok;
};
const formatLoad = (load) => load.map((value) => value.toFixed(2)).join(' ');
console.log(
  '\nAgentry core bench (node %s, %s, %d CPUs; load average %s at the start, %s at the end;\ncalibration loop %s ms at the start, %s ms at the end: compare runs on other machines or days through it)\n',
  process.version,
  new Date().toISOString(),
  os.availableParallelism(),
  formatLoad(loadAtStart),
  formatLoad(os.loadavg()),
  calibrationAtStart.toFixed(0),
  calibrationAtEnd.toFixed(0),
);
for (const row of rows) if (printRow(row) === false) failed = true;
// The ratios again, together: runtime vs the hand-written loop, and per-step growth from K=10 to K=100.
console.log('\nRatios');
for (const row of rows) if (row.unit === '×') printRow(row);
if (failed) process.exitCode = 1;
