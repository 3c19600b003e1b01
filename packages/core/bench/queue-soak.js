// Queue soak rows: one `runtime.work` process (BullMQ on Redis, PostgreSQL store) serves 500 durable
// K=3 runs; its heap in use after a forced GC is taken after run 100 and after run 500. What a worker
// keeps per run it has served shows as growth between the two. Not a timed test: a bench row.
// `node bench/queue-soak.js` prints the rows; `npm run bench` adds them after the queue rows.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchRuntime, dropBenchData } from './queue.js';

const TOTAL = Number(process.env.QUEUE_SOAK_RUNS ?? 500);
const FIRST = Math.min(100, TOTAL);

function heapOf(child) {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message.heapBytes));
    child.send('heap');
  });
}

/** Enqueues runs until `count` have completed in all (`runtime` enqueues, the child drives). */
async function serve(runtime, count, runIds) {
  while (runIds.length < count) runIds.push((await runtime.enqueue({ agent: 'bench', input: 'go' })).runId);
  for (;;) {
    const records = await runtime.runs.list({ agentId: 'bench', status: 'completed' });
    if (records.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The soak rows ({ name, value, unit, target? }); one skipped row when Redis or PostgreSQL is unreachable. */
export async function queueSoakRows() {
  const tag = `soak_${process.pid}_${Date.now().toString(36)}`;
  const prefix = `agentry_bench_q_${tag}`;
  let child;
  let runtime;
  try {
    runtime = await benchRuntime(prefix, prefix);
    child = fork(fileURLToPath(new URL('./queue-worker.js', import.meta.url)), [prefix, prefix, '8'], {
      stdio: 'inherit',
      execArgv: ['--expose-gc'],
    });
    await new Promise((resolve) => child.once('message', resolve));
    const runIds = [];
    await serve(runtime, FIRST, runIds);
    const first = await heapOf(child);
    await serve(runtime, TOTAL, runIds);
    const last = await heapOf(child);
    return [
      {
        name: `queue worker: heap after GC, ${FIRST} runs served`,
        value: first / 1024 / 1024,
        unit: 'MB',
      },
      {
        name: `queue worker: heap growth from run ${FIRST} to ${TOTAL}`,
        value: (last - first) / 1024 / 1024,
        unit: 'MB',
        target: 2,
      },
    ];
  } catch (error) {
    return [{ name: `queue soak rows skipped (${error.message.split('\n')[0]})`, value: 0, unit: 'MB' }];
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await runtime?.close();
    await dropBenchData(prefix, prefix).catch(() => {});
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await queueSoakRows())
    console.log(`${row.name.padEnd(64)} ${row.value.toFixed(2).padStart(9)} ${row.unit}`);
}
