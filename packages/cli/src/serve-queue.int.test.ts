/**
 * The API on a deployment with a shared queue (BullMQ on the real Redis): a run started through the API
 * is enqueued and driven by an `agentry worker` process, and the approval decided through the API
 * reaches the queue, so the worker (not the server) continues the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRuntime, type RunRecord, type Runtime } from '@agentry/core';
import { createServer } from '@agentry/server';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, scratchDir } from './__fixtures__/cli-harness.js';

const REDIS_URL = process.env.REDIS_URL;

const TOOLS = `import { appendFileSync } from 'node:fs';
import { defineTool } from '@agentry/core';
import { z } from 'zod';
export const note = defineTool({
  name: 'note', description: 'Appends a line', input: z.object({ text: z.string() }), sideEffects: 'unsafe',
  execute: async (input) => { appendFileSync(new URL('./effects.log', import.meta.url), process.pid + ' ' + input.text + '\\n'); return 'noted'; },
});
`;

const config = (db: string, prefix: string) => `version: 1
store: { type: sqlite, config: { path: ${JSON.stringify(db)} } }
queue: { type: bullmq, config: { url: \${env:REDIS_URL}, prefix: ${prefix} } }
models:
  demo:
    provider: scripted
    script:
      - { text: Noting., toolCalls: [{ tool: note, input: { text: hello } }] }
      - Done.
agents:
  noter:
    model: demo
    durable: true
    tools:
      - { impl: ./tools.mjs#note, approval: always }
`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dropKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL!);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

async function until(runtime: Runtime, runId: string, status: string): Promise<RunRecord> {
  for (;;) {
    const record = await runtime.runs.get(runId);
    if (record?.status === status) return record;
    if (record && ['completed', 'failed', 'cancelled'].includes(record.status) && record.status !== status)
      throw new Error(`run ${runId} ended ${record.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!REDIS_URL)('agentry serve with a shared queue (needs REDIS_URL)', () => {
  it('a run started through the API runs on an agentry worker, and its approval continues it there', {
    timeout: 120_000,
  }, async () => {
    const prefix = `agentry_serveq_${process.pid}_${Date.now().toString(36)}`;
    const scratch = scratchDir({ 'tools.mjs': TOOLS });
    cleanups.push(() => scratch.remove());
    cleanups.push(() => dropKeys(prefix));
    const file = path.join(scratch.dir, 'agentry.yaml');
    writeFileSync(file, config(path.join(scratch.dir, 'agentry.db'), prefix));
    const env = { PATH: process.env.PATH ?? '', REDIS_URL: REDIS_URL! };

    const runtime = await createRuntime({ config: file, env: { ...process.env, ...env } });
    cleanups.push(() => runtime.close());
    const server = createServer(runtime);
    const worker: ChildProcess = spawn(process.execPath, [BIN, 'worker'], {
      cwd: scratch.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    worker.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    cleanups.push(() => {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    });

    const call = async <T>(
      method: string,
      route: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> => {
      const response = await server.fetch(
        new Request(`http://localhost${route}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
      return { status: response.status, body: (await response.json()) as T };
    };

    const started = await call<{ runId: string; state: string }>('POST', '/api/v1/runs', {
      agent: 'noter',
      input: 'note hello',
    });
    expect(started.status).toBe(202);
    expect(started.body.state).toBe('queued');
    const runId = started.body.runId;
    const suspended = await until(runtime, runId, 'suspended');
    expect(suspended.worker, log).toBeTruthy();

    const inbox = await call<{ approvals: { runId: string; callId: string; inputHash: string }[] }>(
      'GET',
      '/api/v1/approvals',
    );
    const approval = inbox.body.approvals.find((entry) => entry.runId === runId);
    if (!approval) throw new Error('the pending note is not in the inbox');
    const decided = await call<{ state: string }>(
      'POST',
      `/api/v1/approvals/${runId}/${encodeURIComponent(approval.callId)}`,
      { decision: 'approve', inputHash: approval.inputHash },
    );
    expect(decided).toEqual({ status: 202, body: { runId, state: 'queued', waitingFor: [] } });

    const completed = await until(runtime, runId, 'completed');
    expect(completed.output).toBe('Done.');
    // The worker process drove both segments and ran the tool; this process (the server) drove nothing.
    const drivers = (await runtime.runs.events(runId)).flatMap((event) =>
      (event.type === 'run.started' || event.type === 'run.resumed') && event.data.worker
        ? [event.data.worker]
        : [],
    );
    expect(drivers).toHaveLength(2);
    expect(new Set(drivers)).toEqual(new Set([completed.worker]));
    expect(readFileSync(path.join(scratch.dir, 'effects.log'), 'utf8')).toBe(`${worker.pid} hello\n`);
    await server.settled();
  });
});
