/**
 * Cron triggers across a cluster: two real `agentry worker` processes on BullMQ (Redis) and one PostgreSQL
 * store; BullMQ's job scheduler gives each tick to one worker, so each tick starts exactly one run.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRuntime, type Runtime } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, scratchDir } from './__fixtures__/cli-harness.js';
import { DATABASE_URL, dropClusterData, REDIS_URL } from './__fixtures__/cluster.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function config(prefix: string, schema: string): string {
  return `version: 1
store: { type: postgres, config: { url: \${env:DATABASE_URL}, schema: ${schema} } }
queue: { type: bullmq, config: { url: \${env:REDIS_URL}, prefix: ${prefix}, lockDurationMs: 2000, stalledIntervalMs: 1000 } }
models:
  demo: { provider: scripted, script: [ok] }
agents:
  ticker:
    model: demo
    triggers:
      - id: every-second
        type: cron
        cron: "* * * * * *"
        input: "tick {{payload.scheduledAt}}"
        overlap: allow
        misfire: run-once
`;
}

describe.skipIf(!REDIS_URL || !DATABASE_URL)(
  'cron triggers on 2 workers (needs REDIS_URL and DATABASE_URL)',
  () => {
    it('a seconds cron fires exactly once per tick across two agentry worker processes', {
      timeout: 90_000,
    }, async () => {
      const tag = `${process.pid}_${Date.now().toString(36)}`;
      const prefix = `agentry_trg_${tag}`;
      const schema = `agentry_trg_${tag}`;
      const scratch = scratchDir({ 'agentry.yaml': config(prefix, schema) });
      const env = { PATH: process.env.PATH ?? '', REDIS_URL: REDIS_URL!, DATABASE_URL: DATABASE_URL! };
      const workers: ChildProcess[] = [];
      const logs: string[] = [];
      let runtime: Runtime | undefined;
      cleanups.push(async () => {
        for (const child of workers)
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await runtime?.close();
        await dropClusterData(prefix, schema);
        scratch.remove();
      });
      const start = () => {
        const child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '4'], {
          cwd: scratch.dir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const index = logs.push('') - 1;
        child.stdout?.on('data', (chunk: Buffer) => (logs[index] += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (logs[index] += chunk.toString()));
        workers.push(child);
        return child;
      };
      runtime = await createRuntime({
        config: path.join(scratch.dir, 'agentry.yaml'),
        env: { ...process.env, ...env },
      });
      start();
      start();
      // Until 5 ticks have run (bounded by the test's timeout).
      const deadline = Date.now() + 60_000;
      let runs = await runtime.runs.list({ agentId: 'ticker' });
      while (runs.filter((run) => run.status === 'completed').length < 5 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        runs = await runtime.runs.list({ agentId: 'ticker' });
      }
      const stopped = workers.map((child) => new Promise((resolve) => child.on('exit', resolve)));
      for (const child of workers) child.kill('SIGTERM');
      await Promise.all(stopped);
      runs = await runtime.runs.list({ agentId: 'ticker' });
      const ticks = runs.map((run) => run.input);
      expect(ticks.length, logs.join('\n---\n')).toBeGreaterThanOrEqual(5);
      // One run per tick: no scheduled second started twice.
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const tick of ticks) expect(Date.parse(tick.slice('tick '.length)) % 1000).toBe(0);
      // Both workers ran the trigger.
      for (const log of logs) expect(log).toContain('triggers: ticker.every-second');
    });
  },
);
