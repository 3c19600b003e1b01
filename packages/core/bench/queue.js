// Queue bench rows: runs/s through BullMQ (Redis) with 1 and 2 `runtime.work` processes (K=3 tool steps,
// scripted model, PostgreSQL store), next to BullMQ's own throughput for an empty job and to the same
// durable runs driven in-process without a queue; enqueue→start latency p50/p99. Needs @agentry/plugins
// built and Redis/PostgreSQL (REDIS_URL / DATABASE_URL or the local defaults); unreachable → skipped rows.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { noteTool, scriptOf } from './workload.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Timed runs per row: windows of 1-3 s (200 runs, 0.3-0.5 s, gave ratios 1.6-2.3 from one process to the next).
const RUNS = Number(process.env.QUEUE_BENCH_RUNS ?? 1000);
// Runs before the clock starts, in-process and through the queue alike, so that both figures are of warm code:
// a fresh worker process's first runs also pay V8's compilation, which the bench process (warm from the other
// sections under `npm run bench`) had paid before; the ratio read 2.6-2.9 there and 1.6 with this file alone.
// Decision record: docs/decisions/2026-12-07-durable-bench-warm.md.
const WARMUP_RUNS = Number(process.env.QUEUE_BENCH_WARMUP ?? 1000);
// In-process windows: one window's rate moved by ±10% from one window to the next in the same process (663-938
// runs/s), the queued rate by ±3%; the median of five keeps the ratio from following one window's luck.
const DIRECT_WINDOWS = 5;
const CONCURRENCY = 8;
const K = 3;

/** A runtime on the bench config: PostgreSQL store in `schema`, BullMQ queue under `prefix`. */
export async function benchRuntime(prefix, schema) {
  const core = await import('../dist/index.js');
  return core.createRuntime({
    config: {
      version: 1,
      store: { type: 'postgres', config: { url: DATABASE_URL, schema } },
      queue: { type: 'bullmq', config: { url: REDIS_URL, prefix } },
      agents: { bench: { model: 'scripted', durable: true } },
    },
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    models: { scripted: new core.ScriptedModel({ script: scriptOf(K) }) },
    tools: [noteTool(core)],
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** BullMQ alone: RUNS empty jobs through one worker of the same concurrency, jobs/s. */
async function emptyJobsPerSecond(prefix) {
  const { Queue, Worker } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('empty', { connection, prefix });
  let done = 0;
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    'empty',
    async () => {
      done += 1;
      if (done === RUNS) finish();
    },
    { connection: workerConnection, prefix, concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  const started = performance.now();
  for (let index = 0; index < RUNS; index += 1) await queue.add('job', { index });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  // A connection given to BullMQ stays open after close: quit it, or it keeps the process alive.
  await Promise.all([connection.quit(), workerConnection.quit()]);
  return RUNS / seconds;
}

/**
 * RUNS durable runs enqueued and driven by `workers` processes, after WARMUP_RUNS untimed ones: runs/s and
 * enqueue→start latencies.
 */
async function throughQueue(workers, tag) {
  const prefix = `agentry_bench_q_${tag}`;
  const schema = `agentry_bench_q_${tag}`;
  const runtime = await benchRuntime(prefix, schema);
  const children = [];
  for (let index = 0; index < workers; index += 1) {
    const child = fork(
      fileURLToPath(new URL('./queue-worker.js', import.meta.url)),
      [prefix, schema, String(CONCURRENCY)],
      {
        stdio: 'inherit',
      },
    );
    await new Promise((resolve) => child.once('message', resolve));
    children.push(child);
  }
  // Enqueues `count` runs and resolves when all have completed, with the time it saw the last of them
  // completed. While the workers drive them it reads only the newest run's record, every 20 ms: runs finish
  // about in order, and reading each run as it completes (one read per run) took CPU from the workers on a
  // two-core machine, which the in-process side does not pay. Then it reads every run once; a run not yet
  // completed there is read again until it is, and the time is taken when the last one is seen completed.
  const statusOf = async (runId) => {
    const record = await runtime.runs.get(runId);
    const status = record?.status ?? 'queued';
    if (status !== 'completed' && status !== 'queued' && status !== 'running') {
      throw new Error(`bench run ended ${status}: ${record.error?.message}`);
    }
    return status;
  };
  const enqueueAll = async (count) => {
    const runIds = [];
    for (let index = 0; index < count; index += 1)
      runIds.push((await runtime.enqueue({ agent: 'bench', input: 'go' })).runId);
    while ((await statusOf(runIds.at(-1))) !== 'completed') await new Promise((r) => setTimeout(r, 20));
    let finishedAt = performance.now();
    for (const runId of runIds) {
      if ((await statusOf(runId)) === 'completed') continue;
      while ((await statusOf(runId)) !== 'completed') await new Promise((r) => setTimeout(r, 20));
      finishedAt = performance.now();
    }
    return { runIds, finishedAt };
  };
  await enqueueAll(WARMUP_RUNS);
  const started = performance.now();
  const { runIds, finishedAt } = await enqueueAll(RUNS);
  const seconds = (finishedAt - started) / 1000;
  const latencies = [];
  for (const runId of runIds) {
    const record = await runtime.runs.get(runId);
    const [first] = await runtime.runs.events(runId);
    latencies.push(Date.parse(first.time) - Date.parse(record.createdAt));
  }
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  await runtime.close();
  await dropBenchData(prefix, schema);
  return { perSecond: RUNS / seconds, latencies };
}

/**
 * The same RUNS durable runs driven in this process, CONCURRENCY at a time, no queue (after WARMUP_RUNS): the
 * median runs/s of DIRECT_WINDOWS windows.
 */
async function withoutQueue(tag) {
  const schema = `agentry_bench_q_${tag}`;
  const runtime = await benchRuntime(`agentry_bench_q_${tag}`, schema);
  const runAll = async (count) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next += 1;
          const result = await runtime.run({ agent: 'bench', input: 'go' });
          if (result.status !== 'completed') throw new Error(`bench run ended ${result.status}`);
        }
      }),
    );
  };
  await runAll(WARMUP_RUNS);
  const rates = [];
  for (let window = 0; window < DIRECT_WINDOWS; window += 1) {
    const started = performance.now();
    await runAll(RUNS);
    rates.push(RUNS / ((performance.now() - started) / 1000));
  }
  await runtime.close();
  await dropBenchData(`agentry_bench_q_${tag}`, schema);
  return percentile(rates, 50);
}

export async function dropBenchData(prefix, schema) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/** The queue rows ({ name, value, unit, target? }); one skipped row when Redis or PostgreSQL is unreachable. */
export async function queueRows() {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  try {
    const empty = await emptyJobsPerSecond(`agentry_bench_q_${tag}_empty`);
    const inProcess = await withoutQueue(`${tag}_direct`);
    const one = await throughQueue(1, `${tag}_1`);
    const two = await throughQueue(2, `${tag}_2`);
    const all = [...one.latencies, ...two.latencies];
    return [
      { name: `BullMQ alone: empty jobs, concurrency ${CONCURRENCY}`, value: empty, unit: 'jobs/s' },
      {
        name: `durable K=${K} runs in-process, no queue (PostgreSQL store, median of ${DIRECT_WINDOWS} windows)`,
        value: inProcess,
        unit: 'runs/s',
      },
      { name: `durable K=${K} runs through BullMQ, 1 worker process`, value: one.perSecond, unit: 'runs/s' },
      {
        name: `durable K=${K} runs through BullMQ, 2 worker processes`,
        value: two.perSecond,
        unit: 'runs/s',
      },
      {
        name: 'ratio run cost through the queue (1 worker) / in-process',
        value: inProcess / one.perSecond,
        unit: '×',
        target: 2,
      },
      // All RUNS are enqueued back to back, faster than the workers take them: mostly time spent waiting.
      {
        name: `enqueue → run.started latency p50, ${RUNS} runs at once`,
        value: percentile(all, 50),
        unit: 'ms',
      },
      {
        name: `enqueue → run.started latency p99, ${RUNS} runs at once`,
        value: percentile(all, 99),
        unit: 'ms',
      },
    ];
  } catch (error) {
    return [{ name: `queue rows skipped (${error.message.split('\n')[0]})`, value: 0, unit: 'runs/s' }];
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await queueRows())
    console.log(
      `${row.name.padEnd(64)} ${row.value.toFixed(row.unit === '×' ? 2 : 1).padStart(9)} ${row.unit}`,
    );
}
