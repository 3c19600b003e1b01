// Bench child process: measures one thing in a fresh process and prints one JSON line.
import { performance } from 'node:perf_hooks';

const [mode, ...args] = process.argv.slice(2);
/** CPU time (user + system) of this process so far, in ms: steadier than wall time on a shared machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

if (mode === 'bare') {
  console.log(JSON.stringify({ wallMs: performance.now() }));
} else if (mode === 'import') {
  await import('@agentry/core');
  console.log(JSON.stringify({ wallMs: performance.now() }));
} else if (mode === 'import-ai') {
  // Baseline of the import row: the AI SDK (a dependency of @agentry/plugins).
  await import('ai');
  console.log(JSON.stringify({ wallMs: performance.now() }));
} else if (mode === 'create-runtime') {
  // createRuntime from a config object on the memory store, the first call of a fresh process.
  const { startConfig } = await import('./workload.js');
  const core = await import('../dist/index.js');
  // The options (the user's tool and its zod schema) are made before the clock starts: the row times createRuntime.
  const options = startConfig(core, 10);
  const cpuBefore = cpuMs();
  const started = performance.now();
  const runtime = await core.createRuntime(options);
  const createMs = performance.now() - started;
  const createCpuMs = cpuMs() - cpuBefore;
  await runtime.close();
  console.log(JSON.stringify({ createMs, createCpuMs }));
} else if (mode === 'create-agent-ai') {
  // Baseline of create-runtime: the AI SDK's ToolLoopAgent with the same model and tool, first in a fresh process.
  const { aiSdkAgent } = await import('./ai-baseline.js');
  const started = performance.now();
  const agent = aiSdkAgent(10);
  const createMs = performance.now() - started;
  if (agent === undefined) throw new Error('no agent');
  console.log(JSON.stringify({ createMs }));
} else if (mode === 'first-result') {
  // Process start → the result of a K=10 run: import, createRuntime from config, run.
  const { startConfig } = await import('./workload.js');
  const core = await import('../dist/index.js');
  const runtime = await core.createRuntime(startConfig(core, 10));
  const result = await runtime.run({ agent: 'bench', input: 'go' });
  if (result.status !== 'completed') throw new Error(`first run ended ${result.status}`);
  console.log(JSON.stringify({ wallMs: performance.now(), cpuMs: cpuMs() }));
} else if (mode === 'first-result-ai') {
  // Baseline: the same K=10 loop with the AI SDK (generateText, MockLanguageModelV3, one tool).
  const { aiSdkLoop } = await import('./ai-baseline.js');
  const output = await aiSdkLoop(10);
  if (output !== 'done') throw new Error(`AI SDK loop answered ${output}`);
  console.log(JSON.stringify({ wallMs: performance.now(), cpuMs: cpuMs() }));
} else if (mode === 'concurrent' || mode === 'concurrent-hand') {
  // `concurrent`: N runs of the runtime at once; `concurrent-hand`: N hand-written loops at once (the baseline).
  // With a warm-up count W, W runs (or loops) go one after the other first, untimed: the batch then measures
  // steady state, as a long-lived service sees it, instead of the process's one-time JIT compilation.
  const { handLoop, noteTool, scriptOf } = await import('./workload.js');
  const core = await import('../dist/index.js');
  const runs = Number(args[0] ?? 1000);
  const steps = Number(args[1] ?? 10);
  const warmup = Number(args[2] ?? 0);
  const model = new core.ScriptedModel({ script: scriptOf(steps) });
  const tool = noteTool(core);
  const runtime = new core.DefaultRuntime({
    store: new core.MemoryStore(),
    events: new core.MittEventBus({ logger: core.silentLogger }),
    agents: { bench: { model, tools: [tool], pattern: new core.ToolLoopPattern({ maxSteps: steps + 5 }) } },
  });
  const toolSpecs = [{ name: 'note', description: tool.description, inputSchema: { type: 'object' } }];
  const one =
    mode === 'concurrent'
      ? async () => (await runtime.run({ agent: 'bench', input: 'go' })).status
      : async () => (typeof (await handLoop(model, tool, toolSpecs, 'go')) === 'string' ? 'completed' : 'no');
  for (let index = 0; index < warmup; index += 1) {
    if ((await one()) !== 'completed') throw new Error('a warm-up run did not complete');
  }
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: runs }, one));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const completed = statuses.filter((status) => status === 'completed').length;
  if (completed !== runs) throw new Error(`only ${completed} of ${runs} runs completed`);
  console.log(JSON.stringify({ wallMs, peakRssMb: peak / 1024 / 1024 }));
}
