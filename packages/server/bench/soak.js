// `npm run bench` (server soak row): does a long-lived `agentry serve` grow with the runs it has served?
// Runs SOAK_RUNS runs through the HTTP API (POST a run, follow its SSE stream to `run.completed`, read its
// record and a page of the run list), then compares the heap after a full GC once the store is full (the
// memory store's default retention keeps the newest 1,000 finished runs, as in a real server) and at the end.
// Runs against dist (build first: `npx tsc -b`); start node with --expose-gc (the script re-runs itself so).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const core = await import('@agentry/core');
const { createServer, listen } = await import('../dist/index.js');

const RUNS = Number(process.env.SOAK_RUNS ?? 3_000);
/** Past the store's retention (1,000 runs) with some margin: from here on, nothing should accumulate. */
const WARM = Math.min(1_500, Math.floor(RUNS / 2));
const PARALLEL = 8;

const runtime = await core.createRuntime({
  config: {
    version: 1,
    store: 'memory',
    models: { demo: { provider: 'scripted', script: ['Done.'] } },
    agents: { writer: { model: 'demo' } },
  },
});
const served = await listen(createServer(runtime), { port: 0, hasTokens: false });
const base = `${served.url.replace(/\/$/, '')}/api/v1`;

async function json(response) {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Reads an SSE response until an event of type `run.completed` (or the stream ends). */
async function followToCompletion(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    if (text.includes('event: run.completed')) {
      await reader.cancel();
      return;
    }
  }
}

async function serveOne(index) {
  const { runId } = await json(
    await fetch(`${base}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'writer', input: `task ${index}` }),
    }),
  );
  await followToCompletion(await fetch(`${base}/runs/${runId}/events/stream`));
  const record = await json(await fetch(`${base}/runs/${runId}`));
  if (record.status !== 'completed' && record.run?.status !== 'completed') {
    throw new Error(`run ${runId} ended ${record.status ?? record.run?.status}`);
  }
  await json(await fetch(`${base}/runs?limit=20`));
}

async function serve(from, to) {
  let next = from;
  const lanes = Array.from({ length: PARALLEL }, async () => {
    while (next < to) await serveOne(next++);
  });
  await Promise.all(lanes);
}

function heapMb() {
  for (let pass = 0; pass < 3; pass += 1) globalThis.gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const started = performance.now();
await serve(0, WARM);
const warmHeap = heapMb();
await serve(WARM, RUNS);
const endHeap = heapMb();
const seconds = (performance.now() - started) / 1000;
await served.close();
await runtime.close();

const growth = endHeap - warmHeap;
console.log(
  JSON.stringify({
    row: 'server soak',
    runs: RUNS,
    runsPerSecond: Number((RUNS / seconds).toFixed(1)),
    heapAfterMb: { [WARM]: Number(warmHeap.toFixed(1)), [RUNS]: Number(endHeap.toFixed(1)) },
    growthMb: Number(growth.toFixed(2)),
    growthPerThousandRunsKb: Number(((growth * 1024 * 1000) / (RUNS - WARM)).toFixed(1)),
    load: os.loadavg()[0].toFixed(1),
  }),
);
