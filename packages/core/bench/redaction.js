// Redaction bench rows: the per-step cost of a durable K=10 run on the memory store (the checkpointer's CPU cost,
// no I/O) with a redactor that knows three secrets: applied to events and records only, and also to every
// checkpoint write (messages, memory, pattern state), next to the same run without a redactor, in the same
// process. Alone: `node bench/redaction.js`.
// Each row: { name, value, unit, target? }.

import { isMain, loadCore, printRows } from './rows.js';
import { noteTool, scriptOf } from './workload.js';

const STEPS = 10;
const RUNS = 200;
const PAIRS = 4;

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function perStepUs(core, redactor, checkpoints) {
  const store = new core.MemoryStore();
  const runtime = new core.DefaultRuntime({
    store,
    events: new core.MittEventBus({ logger: core.silentLogger }),
    agents: {
      bench: {
        model: new core.ScriptedModel({ script: scriptOf(STEPS) }),
        tools: [noteTool(core)],
        pattern: new core.ToolLoopPattern({ maxSteps: STEPS + 5 }),
        durable: true,
      },
    },
    ...(redactor ? { redactor } : {}),
    durablePersistence: new core.StoreCheckpointer({
      store,
      runtimeVersion: 'bench',
      ...(redactor && checkpoints ? { redactor } : {}),
    }),
  });
  const samples = [];
  for (let index = 0; index < RUNS + 20; index += 1) {
    const started = process.hrtime.bigint();
    const result = await runtime.run({ agent: 'bench', input: 'go' });
    if (result.status !== 'completed') throw new Error(`bench run ended ${result.status}`);
    if (index >= 20) samples.push(Number(process.hrtime.bigint() - started) / 1e3 / STEPS);
  }
  await runtime.close();
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export async function redactionRows(core) {
  const redactor = core.createRedactor();
  for (const secret of ['sk-bench-0123456789abcdef', 'ghp_benchbenchbenchbench', 'postgres://u:pw@db/x']) {
    redactor.addSecret(secret);
  }
  // A first round warms the three paths up and is not counted. Then rounds alternate the order of the variants,
  // which matters by a few per cent (the one run first in a round is slower), and the ratio is the median over
  // pairs of rounds, one of each order, of their two ratios' geometric mean: the order cancels out within a pair,
  // and a machine that slows down during the section (a neighbour's load) moves both sides of a round alike.
  const variants = [
    { redactor: undefined, checkpoints: false, samples: [] },
    { redactor, checkpoints: false, samples: [] },
    { redactor, checkpoints: true, samples: [] },
  ];
  for (let round = 0; round <= PAIRS * 2; round += 1) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const value = await perStepUs(core, variant.redactor, variant.checkpoints);
      if (round > 0) variant.samples.push(value);
    }
  }
  const [plain, events, all] = variants.map((variant) => variant.samples);
  const pairRatios = [];
  for (let pair = 0; pair < PAIRS; pair += 1) {
    const [first, second] = [pair * 2, pair * 2 + 1];
    pairRatios.push(Math.sqrt((all[first] / events[first]) * (all[second] / events[second])));
  }
  return [
    { name: 'memory: durable step, K=10, no redactor', value: median(plain), unit: 'µs/step' },
    {
      name: 'memory: durable step, K=10, 3 secrets, events redacted',
      value: median(events),
      unit: 'µs/step',
    },
    {
      name: 'memory: durable step, K=10, 3 secrets, events + checkpoints',
      value: median(all),
      unit: 'µs/step',
    },
    {
      name: 'ratio checkpoints redacted too / events only, K=10',
      value: median(pairRatios),
      unit: '×',
      target: 1.1,
    },
  ];
}

if (isMain(import.meta.url)) printRows(await redactionRows(await loadCore()));
