/** A cluster of `agentry worker` processes over the real Redis (BullMQ) and PostgreSQL (store), for int tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRuntime, type RunRecord, type Runtime } from '@agentry/core';
import { PostgresStore } from '@agentry/plugins/store/postgres';
import { BIN, scratchDir } from './cli-harness.js';

export const REDIS_URL = process.env.REDIS_URL;
export const DATABASE_URL = process.env.DATABASE_URL;

/** Tools whose every execution is appended to `effects.log` (one JSON line: tool, run, call, key, input, pid). */
const TOOLS = `import { appendFileSync } from 'node:fs';
import { defineTool } from '@agentry/core';
import { z } from 'zod';

const log = (tool, input, context) =>
  appendFileSync(new URL('./effects.log', import.meta.url), JSON.stringify({ tool, runId: context.runId, callId: context.callId, key: context.idempotencyKey, n: input.n, pid: process.pid }) + '\\n');
const pause = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason ?? new Error('aborted')); }, { once: true });
});

export const effect = defineTool({
  name: 'effect', description: 'An idempotent side effect', input: z.object({ n: z.number() }), sideEffects: 'idempotent',
  execute: async (input, context) => { await pause(Number(process.env.TOOL_MS ?? 30), context.signal); log('effect', input, context); await pause(10, context.signal); return 'ok'; },
});
export const charge = defineTool({
  name: 'charge', description: 'An unsafe side effect', input: z.object({ n: z.number() }), sideEffects: 'unsafe',
  execute: async (input, context) => { await pause(Number(process.env.TOOL_MS ?? 30), context.signal); log('charge', input, context); await pause(10, context.signal); return 'charged'; },
});
`;

/** A scripted model that appends the time of each call to `calls.log` (after its rate-limit slot was taken). */
const MODEL = `import { appendFileSync } from 'node:fs';
import { definePlugin, ScriptedModel } from '@agentry/core';
import { z } from 'zod';

export const paced = definePlugin({
  kind: 'model', name: 'paced', description: 'Scripted, logging the time of each call', configSchema: z.object({}),
  create: () => {
    const inner = new ScriptedModel({ script: [{ toolCalls: [{ tool: 'effect', input: { n: 1 } }] }, 'Paced.'] });
    const model = Object.create(inner);
    model.generate = async (request) => {
      appendFileSync(new URL('./calls.log', import.meta.url), Date.now() + ' ' + process.pid + '\\n');
      return inner.generate(request);
    };
    return model;
  },
});
`;

/** The config: K=3 tool steps (idempotent, unsafe, idempotent); agents `worker`, `solo` (one active run), `chat`, and `paced` (model `paced`: 3 calls per second, two calls a run). */
function config(prefix: string, schema: string): string {
  const agent = (extra = '') => `    model: demo
    durable: true${extra}
    tools:
      - { impl: ./tools.mjs#effect }
      - { impl: ./tools.mjs#charge }`;
  return `version: 1
store: { type: postgres, config: { url: \${env:DATABASE_URL}, schema: ${schema} } }
queue: { type: bullmq, config: { url: \${env:REDIS_URL}, prefix: ${prefix}, lockDurationMs: 2000, stalledIntervalMs: 1000 } }
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: effect, input: { n: 1 } }]
      - toolCalls: [{ tool: charge, input: { n: 2 } }]
      - toolCalls: [{ tool: effect, input: { n: 3 } }]
      - Done.
  paced:
    impl: ./model.mjs#paced
    rateLimit: { requests: 3, intervalMs: 1000 }
agents:
  worker:
${agent()}
  solo:
${agent('\n    maxActiveRuns: 1')}
  chat:
${agent()}
  paced:
${agent().replace('model: demo', 'model: paced')}
`;
}

/** One logged tool execution. */
export interface Effect {
  tool: 'effect' | 'charge';
  runId: string;
  callId: string;
  key: string;
  n: number;
  pid: number;
}

/** A scratch project with the config, the tools, and workers to start and kill. */
export class Cluster {
  readonly dir: string;
  readonly prefix: string;
  readonly schema: string;
  readonly workers: ChildProcess[] = [];
  readonly logs: string[] = [];
  readonly #remove: () => void;
  #runtime: Runtime | undefined;

  constructor(readonly env: Record<string, string>) {
    const tag = `${process.pid}_${Date.now().toString(36)}`;
    this.prefix = `agentry_cluster_${tag}`;
    this.schema = `agentry_cluster_${tag}`;
    const scratch = scratchDir({
      'agentry.yaml': config(this.prefix, this.schema),
      'tools.mjs': TOOLS,
      'model.mjs': MODEL,
    });
    this.dir = scratch.dir;
    this.#remove = scratch.remove;
  }

  /** A runtime of the test process over the same config (to enqueue and to read records). */
  async runtime(): Promise<Runtime> {
    this.#runtime ??= await createRuntime({
      config: path.join(this.dir, 'agentry.yaml'),
      env: { ...process.env, ...this.env },
    });
    return this.#runtime;
  }

  /** Starts `agentry worker` (stdout/stderr kept in `logs`). */
  start(args: string[] = []): ChildProcess {
    const child = spawn(process.execPath, [BIN, 'worker', ...args], {
      cwd: this.dir,
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const index = this.logs.push('') - 1;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.logs[index] += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.logs[index] += chunk.toString();
    });
    this.workers.push(child);
    return child;
  }

  /** True once `child` has started driving a run (its log shows a `▶` line). */
  driving(child: ChildProcess): boolean {
    const index = this.workers.indexOf(child);
    return index >= 0 && (this.logs[index] ?? '').includes('▶');
  }

  /** Model calls of the `paced` model: epoch ms and the worker's pid, in the order they were logged. */
  modelCalls(): { at: number; pid: number }[] {
    let text = '';
    try {
      text = readFileSync(path.join(this.dir, 'calls.log'), 'utf8');
    } catch {
      return [];
    }
    return text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [at, pid] = line.split(' ');
        return { at: Number(at), pid: Number(pid) };
      });
  }

  effects(): Effect[] {
    let text = '';
    try {
      text = readFileSync(path.join(this.dir, 'effects.log'), 'utf8');
    } catch {
      return [];
    }
    return text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Effect);
  }

  /**
   * Resolves once every run in `runIds` has stopped (`until` decides what counts), polling the store.
   * Past `timeoutMs` it throws an error that names the runs still waiting (status, worker, lease
   * holder) and the queue's counts, so a run left behind says where it was left.
   */
  async waitFor(
    runIds: readonly string[],
    until: (record: RunRecord) => boolean,
    timeoutMs = 120_000,
  ): Promise<RunRecord[]> {
    const runtime = await this.runtime();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = await Promise.all(runIds.map((runId) => runtime.runs.get(runId)));
      if (records.every((record) => record !== undefined && until(record))) return records as RunRecord[];
      if (Date.now() > deadline) throw new Error(await this.#stuck(runIds, records, until));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async #stuck(
    runIds: readonly string[],
    records: (RunRecord | undefined)[],
    until: (record: RunRecord) => boolean,
  ): Promise<string> {
    const runtime = await this.runtime();
    const store = new PostgresStore({ url: DATABASE_URL!, schema: this.schema });
    const lines: string[] = [];
    for (const [index, record] of records.entries()) {
      if (record !== undefined && until(record)) continue;
      const lease = await store.readLease(`run:${runIds[index]}`);
      const events = await runtime.runs.events(runIds[index]!);
      lines.push(
        `${runIds[index]}: ${record?.status ?? 'no record'} worker=${record?.worker ?? '-'} lease=${lease ? `${lease.owner}#${lease.token}` : '-'} updated=${record?.updatedAt ?? '-'} last=${events.at(-1)?.type ?? '-'} error=${record?.error?.code ?? '-'}`,
      );
    }
    await store.close();
    const status = await runtime.queueStatus();
    return `${lines.length} of ${runIds.length} runs did not stop in time:\n${lines.join('\n')}\nqueue: ${JSON.stringify(status.counts)} workers ${status.workers.map((worker) => worker.id).join(', ')}`;
  }

  async destroy(): Promise<void> {
    for (const child of this.workers)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.#runtime?.close();
    await dropClusterData(this.prefix, this.schema);
    this.#remove();
  }
}

/** Deletes the BullMQ keys and the store schema of a cluster. */
export async function dropClusterData(prefix: string, schema: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL!);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  const { default: pg } = (await import('pg' as string)) as {
    default: {
      Client: new (options: {
        connectionString: string;
      }) => {
        connect(): Promise<void>;
        query(sql: string): Promise<unknown>;
        end(): Promise<void>;
      };
    };
  };
  const client = new pg.Client({ connectionString: DATABASE_URL! });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/**
 * Intervals [start, end] during which each run was doing work, from its stored events: from the first
 * `step.started` of a segment (after its session lease was taken) to the event that ended the segment.
 */
export async function activeIntervals(
  runtime: Runtime,
  runIds: readonly string[],
): Promise<[number, number][]> {
  const intervals: [number, number][] = [];
  for (const runId of runIds) {
    let start: number | undefined;
    for (const event of await runtime.runs.events(runId)) {
      const at = Date.parse(event.time);
      if (event.type === 'step.started' && start === undefined) start = at;
      if (
        start !== undefined &&
        /^run\.(completed|failed|cancelled|suspended|interrupted)$/.test(event.type)
      ) {
        intervals.push([start, at]);
        start = undefined;
      }
    }
  }
  return intervals;
}

/** True when two intervals overlap. */
export function overlapping(intervals: readonly [number, number][]): boolean {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  for (let index = 1; index < sorted.length; index++) {
    if (sorted[index]![0] < sorted[index - 1]![1]) return true;
  }
  return false;
}
