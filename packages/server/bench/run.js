// `npm run bench` (server rows): API latency of GET /api/v1/runs with 10,000 runs in the store, and SSE
// fan-out of one run's events to 100 subscribers, each next to a bare Hono handler doing the same
// transport work in the same process and run. Runs against dist (build first: `npx tsc -b`).
import os from 'node:os';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';

const core = await import('@agentry/core');
const { RUNS_NAMESPACE } = await import('@agentry/core/internal');
const { createServer, listen } = await import('../dist/index.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const SUBSCRIBERS = 100;
const EVENTS = 500;
/** Sequence numbers kept for probe events that wait until every subscriber listens. */
const PROBES = 1000;
/** A run's answer in the seeded records: a paragraph (1 KiB) by default, as a summarising run gives. */
const OUTPUT_BYTES = Number(process.env.BENCH_OUTPUT_BYTES ?? 1024);
const ANSWER = 'The notes say that agents are declared in YAML and every part is swappable. '
  .repeat(Math.ceil(OUTPUT_BYTES / 76))
  .slice(0, OUTPUT_BYTES);

function record(index) {
  const created = new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString();
  return {
    runId: `run_${String(index).padStart(6, '0')}`,
    sessionId: `session_${index % 500}`,
    agentId: index % 3 === 0 ? 'reviewer' : 'assistant',
    status: index % 10 === 0 ? 'suspended' : 'completed',
    stopReason: index % 10 === 0 ? 'awaiting_approval' : 'completed',
    input: `Task number ${index}: summarise the notes`,
    output: ANSWER,
    durable: true,
    usage: {
      inputTokens: 900,
      outputTokens: 120,
      totalTokens: 1020,
      costUsd: 0.0012,
      modelCalls: 3,
      toolCalls: 2,
      durationMs: 850,
    },
    pending: [],
    createdAt: created,
    updatedAt: created,
  };
}

/** fetch, retried once when a kept-alive socket was closed by the server just as it was reused (ECONNRESET). */
async function get(url) {
  try {
    return await fetch(url);
  } catch (error) {
    if (error?.cause?.code !== 'ECONNRESET') throw error;
    return fetch(url);
  }
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** p50/p99 of `REQUESTS` sequential GETs; `url` may be a function of the request's index. */
async function latencies(url) {
  const at = (index) => (typeof url === 'function' ? url(index) : url);
  for (let index = 0; index < 30; index += 1) await (await get(at(index))).arrayBuffer();
  const times = [];
  for (let index = 0; index < REQUESTS; index += 1) {
    const started = process.hrtime.bigint();
    const response = await get(at(index + 30));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${at(index)} answered ${response.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

/**
 * Opens `count` SSE readers. `ready` resolves once each has received a first message (the probes the
 * caller publishes until then); `done` once each saw `run.completed`, with how many events each counted
 * after its first message.
 */
async function subscribers(url, count) {
  const done = [];
  const firsts = [];
  for (let index = 0; index < count; index += 1) {
    const response = await get(url);
    if (!response.ok) throw new Error(`${url}: a subscriber was refused (${response.status})`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let markFirst;
    firsts.push(new Promise((resolve) => (markFirst = resolve)));
    done.push(
      (async () => {
        let buffer = '';
        let seen = 0;
        for (;;) {
          const { value, done: ended } = await reader.read();
          if (ended) return seen;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (!block.includes('event: ')) continue;
            markFirst();
            if (!block.includes('event: probe')) seen += 1;
            if (block.includes('event: run.completed')) {
              await reader.cancel();
              return seen;
            }
          }
        }
      })(),
    );
  }
  return { ready: Promise.all(firsts), done: Promise.all(done) };
}

function syntheticEvents(runId) {
  const events = [];
  for (let seq = 1; seq <= EVENTS; seq += 1) {
    const type = seq === EVENTS ? 'run.completed' : seq % 2 === 0 ? 'tool.succeeded' : 'step.started';
    events.push({
      type,
      runId,
      sessionId: 's',
      agentId: 'assistant',
      seq: seq + PROBES,
      time: new Date().toISOString(),
      data:
        type === 'run.completed'
          ? { output: 'Done.', usage: record(0).usage }
          : { step: seq, callId: `c${seq}`, tool: 'note', durationMs: 1, replayed: false },
    });
  }
  return events;
}

// Retention off: the memory store otherwise keeps only the newest 1,000 finished runs.
const store = new core.MemoryStore({ retention: false });
for (let start = 0; start < RUNS; start += 1000) {
  const entries = [];
  for (let index = start; index < Math.min(start + 1000, RUNS); index += 1)
    entries.push({ key: record(index).runId, value: record(index) });
  await store.setMany(RUNS_NAMESPACE, entries);
}
const fanout = { ...record(RUNS), runId: 'run_fanout', status: 'running', stopReason: undefined };
delete fanout.stopReason;
await store.set(RUNS_NAMESPACE, fanout.runId, fanout);
const runtime = await core.createRuntime({ config: { version: 1, agents: {} }, store });
const stored = (await runtime.runs.list()).length;
if (stored !== RUNS + 1) throw new Error(`the store holds ${stored} runs, not ${RUNS + 1}`);
const api = createServer(runtime);
const served = await listen(api, { port: 0, hasTokens: false });

// The baseline: the same transport (Hono on @hono/node-server, JSON answer or SSE writes), no Agentry.
const page = { runs: Array.from({ length: 50 }, (_, index) => record(RUNS - 1 - index)) };
const bareListeners = new Set();
const bare = new Hono();
bare.get('/runs', (c) => c.json(page));
bare.get('/stream', (c) =>
  streamSSE(c, async (stream) => {
    await new Promise((resolve) => {
      const listener = async (event) => {
        await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
        if (event.type === 'run.completed') {
          bareListeners.delete(listener);
          resolve();
        }
      };
      bareListeners.add(listener);
    });
  }),
);
const bareServer = await new Promise((resolve) => {
  const server = serve({ fetch: bare.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
    resolve({ server, port: info.port }),
  );
});
const bareUrl = `http://127.0.0.1:${bareServer.port}`;

const apiList = await latencies(`${served.url}/api/v1/runs?limit=50`);
const apiFiltered = await latencies(`${served.url}/api/v1/runs?limit=50&status=suspended&agent=reviewer`);
// A different session filter each time: no list cache hit, every request asks the store's runs-list index.
const apiCold = await latencies(
  (index) => `${served.url}/api/v1/runs?limit=50&session=session_${index % 500}`,
);
const bareList = await latencies(`${bareUrl}/runs`);

async function fanOut(url, publish) {
  const readers = await subscribers(url, SUBSCRIBERS);
  let settled = false;
  void readers.ready.then(() => (settled = true));
  for (let seq = 1; !settled; seq += 1) {
    if (seq >= PROBES) throw new Error(`${url}: subscribers never listened`);
    await publish({
      type: 'probe',
      runId: 'run_fanout',
      sessionId: 's',
      agentId: 'assistant',
      seq,
      time: '',
      data: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const started = process.hrtime.bigint();
  for (const event of syntheticEvents('run_fanout')) await publish(event);
  const seen = await readers.done;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (seen.some((count) => count !== EVENTS))
    throw new Error(`a subscriber missed events: ${seen.join(',')}`);
  return ms;
}
// BENCH_ONLY=list leaves the SSE rows out (a quicker run when only the list is compared).
const withSse = process.env.BENCH_ONLY !== 'list';
const bareFan = !withSse
  ? 0
  : await fanOut(`${bareUrl}/stream`, async (event) => {
      await Promise.all([...bareListeners].map((listener) => listener(event)));
    });
const apiFan = !withSse
  ? 0
  : await fanOut(`${served.url}/api/v1/runs/run_fanout/events/stream`, (event) =>
      runtime.events.publish(event),
    );

await served.close();
bareServer.server.close();
await runtime.close();

const rows = [
  {
    name: `GET /api/v1/runs p50 (${RUNS} runs with ${OUTPUT_BYTES} B answers, page of 50)`,
    value: apiList.p50,
    unit: 'ms',
  },
  { name: `GET /api/v1/runs p99 (${RUNS} runs, page of 50)`, value: apiList.p99, unit: 'ms' },
  { name: 'GET /api/v1/runs p50, status+agent filter', value: apiFiltered.p50, unit: 'ms' },
  { name: 'GET /api/v1/runs p50, uncached (runs-list index)', value: apiCold.p50, unit: 'ms' },
  { name: 'GET /api/v1/runs p99, uncached (runs-list index)', value: apiCold.p99, unit: 'ms' },
  { name: 'bare Hono JSON handler p50 (same page)', value: bareList.p50, unit: 'ms' },
  { name: 'bare Hono JSON handler p99 (same page)', value: bareList.p99, unit: 'ms' },
  { name: 'ratio GET /runs / bare, p50', value: apiList.p50 / bareList.p50, unit: '×' },
];
if (withSse) {
  rows.push(
    { name: `SSE fan-out: ${EVENTS} events to ${SUBSCRIBERS} subscribers`, value: apiFan, unit: 'ms' },
    { name: 'bare Hono SSE fan-out (same events)', value: bareFan, unit: 'ms' },
    { name: 'ratio SSE fan-out / bare', value: apiFan / bareFan, unit: '×' },
  );
}
console.log(
  '\nAgentry server bench (node %s, %s, %d CPUs, load average %s)\n',
  process.version,
  new Date().toISOString(),
  os.availableParallelism(),
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' '),
);
const width = Math.max(...rows.map((row) => row.name.length)) + 2;
for (const row of rows)
  console.log(`${row.name.padEnd(width)} ${row.value.toFixed(2).padStart(9)} ${row.unit}`);
