// A bench worker process: `node queue-worker.js <prefix> <schema> <concurrency>` drives queued K=3 runs
// (scripted model, PostgreSQL store, BullMQ on Redis) until SIGTERM. Asked `heap` (run with
// --expose-gc), it answers with its heap in use after a forced GC, for the soak rows.
import { benchRuntime } from './queue.js';

const [prefix, schema, concurrency] = process.argv.slice(2);
const runtime = await benchRuntime(prefix, schema);
const worker = await runtime.work({ concurrency: Number(concurrency) });
process.send?.('ready');
process.on('message', (message) => {
  if (message !== 'heap' || typeof globalThis.gc !== 'function') return;
  globalThis.gc();
  globalThis.gc();
  process.send?.({ heapBytes: process.memoryUsage().heapUsed });
});
process.on('SIGTERM', async () => {
  await worker.stop('drain');
  await runtime.close();
  process.exit(0);
});
