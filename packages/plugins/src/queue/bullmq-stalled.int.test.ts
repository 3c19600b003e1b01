import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunJob } from '@agentry/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqQueue } from './bullmq-queue.js';

// The child workers run the built plugin: `npx tsc -b` (or `npm run build`) first.
const url = process.env.REDIS_URL;
const prefix = `agentry_stalled_${process.pid}_${Date.now().toString(36)}`;
const HANGING = fileURLToPath(new URL('./__fixtures__/hanging-worker.mjs', import.meta.url));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (url === undefined) return;
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
});

/** Starts a worker process that takes the job and hangs; resolves once it holds the job, then kills it. */
async function takeAndDie(): Promise<void> {
  const child = spawn(process.execPath, [HANGING, url!, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('took ')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the hanging worker exited (${code}) before taking the job`)),
    );
  });
  child.kill('SIGKILL');
}

describe.skipIf(!url)('a job BullMQ gives up after too many stalls (needs REDIS_URL)', () => {
  it('is reported through onGivenUp, not handed to the handler', { timeout: 60_000 }, async () => {
    const queue = new BullmqQueue({
      url: url!,
      prefix,
      lockDurationMs: 1000,
      stalledIntervalMs: 500,
      maxStalledCount: 1,
    });
    const job: RunJob = { kind: 'start', runId: 'run-stalled', agentId: 'mailer' };
    await queue.enqueue(job);
    // Two workers die holding the job: the second stall is one more than maxStalledCount allows.
    await takeAndDie();
    await takeAndDie();

    const handled: RunJob[] = [];
    const givenUp = new Promise<{ job: RunJob; reason: string }>((resolve) => {
      void queue.consume(
        async (taken) => {
          handled.push(taken);
          return { status: 'done' };
        },
        {
          concurrency: 1,
          agents: ['mailer'],
          workerId: 'survivor',
          onGivenUp: async (given, reason) => resolve({ job: given, reason }),
        },
      );
    });
    const report = await givenUp;
    await queue.close();

    expect(report.job).toEqual(job);
    expect(report.reason).toContain('taken back from dead workers more than maxStalledCount (1) times');
    expect(handled).toEqual([]);
  });
});
