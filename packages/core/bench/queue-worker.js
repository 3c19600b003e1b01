// A bench worker process: `node queue-worker.js <prefix> <schema> <concurrency>` drives queued K=3 runs
// (scripted model, PostgreSQL store, BullMQ on Redis) until SIGTERM.
import { benchRuntime } from './queue.js';

const [prefix, schema, concurrency] = process.argv.slice(2);
const runtime = await benchRuntime(prefix, schema);
const worker = await runtime.work({ concurrency: Number(concurrency) });
process.send?.('ready');
process.on('SIGTERM', async () => {
  await worker.stop('drain');
  await runtime.close();
  process.exit(0);
});
