// A queue worker that takes one job and hangs on it, for a test to kill: a worker that dies mid-run.
// argv: url prefix; prints `took <runId>` once it holds a job. Runs the built plugin (dist).
import { BullmqQueue } from '../../../dist/queue/bullmq-queue.js';

const [url, prefix] = process.argv.slice(2);
const queue = new BullmqQueue({
  url,
  prefix,
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
  maxStalledCount: 1,
});
await queue.consume(
  (job) => {
    process.stdout.write(`took ${job.runId}\n`);
    return new Promise(() => {});
  },
  { concurrency: 1, agents: ['mailer'], workerId: `hanging-${process.pid}` },
);
