/** Rows for the builtins that need a server (Redis, PostgreSQL); run by `builtins-yaml.int.test.ts`. */
import { randomUUID } from 'node:crypto';
import type { AnyAgentryEvent } from '@agentry/core';
import { createClient } from '@keyv/redis';
import { expect, vi } from 'vitest';
import { completes, type YamlCase } from './harness.js';
import { runAndReopen, topLevelYaml } from './infra-cases.js';

/** Which environment variable each server row needs (its group is skipped without it); every row has one. */
export const SERVER_CASE_ENV: Record<string, 'REDIS_URL' | 'DATABASE_URL'> = {
  'store redis': 'REDIS_URL',
  'store postgres': 'DATABASE_URL',
  'event-bus redis': 'REDIS_URL',
  'queue bullmq': 'REDIS_URL',
};

/** Client options for REDIS_URL (the client's default address when it is unset). */
const redisOptions = () => {
  const url = process.env.REDIS_URL;
  return url === undefined ? {} : { url };
};

const unique = () => `${process.pid}_${randomUUID().slice(0, 8)}`;

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient(redisOptions());
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await client.del(keys);
  }
  await client.close();
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** Drops a schema with a plain pg client (pg comes with @keyv/postgres). */
async function dropSchema(schema: string): Promise<void> {
  const { default: pg } = (await import('pg' as string)) as {
    default: { Client: new (options: { connectionString: string }) => PgClient };
  };
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export const SERVER_CASES: Record<string, YamlCase> = {
  'store redis': async (project) => {
    const prefix = `agentry-yaml-test:${unique()}:`;
    project.onCleanup(() => deleteRedisPrefix(prefix));
    const { record, events } = await runAndReopen(
      project,
      `store: { type: redis, config: { url: "\${env:REDIS_URL}", prefix: "${prefix}" } }`,
    );
    expect(record).toMatchObject({ status: 'completed', output: 'stored answer' });
    expect(events.at(-1)?.type).toBe('run.completed');
  },
  'store postgres': async (project) => {
    const schema = `agentry_yaml_${unique()}`;
    project.onCleanup(() => dropSchema(schema));
    const { record, events } = await runAndReopen(
      project,
      `store: { type: postgres, config: { url: "\${env:DATABASE_URL}", schema: ${schema}, table: entries } }`,
    );
    expect(record).toMatchObject({ status: 'completed', output: 'stored answer' });
    expect(events.at(-1)?.type).toBe('run.completed');
  },
  'event-bus redis': async (project) => {
    // Two runtimes from the same YAML stand in for two processes sharing one channel.
    const yaml = topLevelYaml(
      `store: memory\nevents: { type: redis, config: { url: "\${env:REDIS_URL}", channel: "agentry:yaml-test:${unique()}" } }`,
    );
    const worker = await project.runtime(yaml);
    const watcher = await project.runtime();
    expect([worker.events.name, watcher.events.name]).toEqual(['redis', 'redis']);
    const seen: AnyAgentryEvent[] = [];
    watcher.events.onAny((event) => void seen.push(event));
    const result = await completes(worker, 'assistant', 'hello over redis');
    await vi.waitFor(() =>
      expect(seen.filter((event) => event.runId === result.runId).at(-1)?.type).toBe('run.completed'),
    );
    expect(seen.filter((event) => event.runId === result.runId)[0]?.type).toBe('run.started');
  },
  'queue bullmq': async (project) => {
    const prefix = `agentry_yaml_${unique()}`.toLowerCase();
    project.onCleanup(() => deleteRedisPrefix(`${prefix}:`));
    const runtime = await project.runtime(
      topLevelYaml(
        `store: memory\nqueue: { type: bullmq, config: { url: "\${env:REDIS_URL}", prefix: ${prefix} } }`,
      ),
    );
    const worker = await runtime.work();
    const { runId } = await runtime.enqueue({ agent: 'assistant', input: 'queued on BullMQ' });
    await vi.waitFor(async () => expect((await runtime.runs.get(runId))?.status).toBe('completed'), {
      timeout: 20_000,
      interval: 50,
    });
    expect(await runtime.runs.get(runId)).toMatchObject({ output: 'stored answer', worker: worker.id });
  },
};
