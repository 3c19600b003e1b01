/** RedisEventBus against the real Redis at REDIS_URL: two buses on separate connections stand in for two processes. */
import { randomUUID } from 'node:crypto';
import type { AnyAgentryEvent } from '@agentry/core';
import { describeEventBusConformance } from '@agentry/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { busDeps, event, recordingLogger } from './__fixtures__/bus-test-support.js';
import { RedisEventBus } from './redis-event-bus.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const channel = () => `agentry:test:events:${randomUUID()}`;

function step(runId: string, seq: number): AnyAgentryEvent {
  return event('step.started', { step: seq }, { runId, seq });
}

describe.skipIf(!process.env.REDIS_URL)('RedisEventBus (Redis)', () => {
  const opened: { close(): Promise<void> }[] = [];
  const connect = async (options: { channel: string; gapTimeoutMs?: number }) => {
    const bus = await RedisEventBus.connect({ url, logger: recordingLogger(), ...options });
    opened.push(bus);
    return bus;
  };
  afterEach(async () => {
    for (const item of opened.splice(0)) await item.close();
  });

  describeEventBusConformance({
    name: 'redis',
    create: () => RedisEventBus.connect({ url, channel: channel(), logger: recordingLogger() }),
  });

  it('delivers events of one process to subscribers of another, in seq order, without echoing its own', async () => {
    const shared = channel();
    const worker = await connect({ channel: shared });
    const watcher = await connect({ channel: shared });
    const remote: number[] = [];
    const local: number[] = [];
    watcher.onAny((item) => void remote.push(item.seq));
    worker.onAny((item) => void local.push(item.seq));
    for (const seq of [1, 2, 3, 4, 5]) await worker.publish(step('run_cross', seq));
    await vi.waitFor(() => expect(remote).toEqual([1, 2, 3, 4, 5]));
    expect(local).toEqual([1, 2, 3, 4, 5]);
  });

  it('buffers out-of-order events from the wire and delivers them in seq order', async () => {
    const shared = channel();
    const watcher = await connect({ channel: shared });
    const seen: string[] = [];
    watcher.on('step.started', (item) => void seen.push(`${item.runId}:${item.seq}`));
    const raw = new Redis(url);
    try {
      const send = (item: AnyAgentryEvent) =>
        raw.publish(shared, JSON.stringify({ origin: 'other-process', event: item }));
      await send(step('run_x', 1));
      await send(step('run_x', 3));
      await send(step('run_y', 1));
      await send(step('run_x', 4));
      await vi.waitFor(() => expect(seen).toEqual(['run_x:1', 'run_y:1']));
      await send(step('run_x', 2));
      await vi.waitFor(() => expect(seen).toEqual(['run_x:1', 'run_y:1', 'run_x:2', 'run_x:3', 'run_x:4']));
      await send(step('run_x', 3));
      await send(step('run_x', 5));
      await vi.waitFor(() => expect(seen.at(-1)).toBe('run_x:5'));
      expect(seen.filter((item) => item === 'run_x:3')).toHaveLength(1);
    } finally {
      raw.disconnect();
    }
  });

  it('skips a seq that never arrives after gapTimeoutMs and logs it', async () => {
    const shared = channel();
    const logger = recordingLogger();
    const watcher = await RedisEventBus.connect({ url, channel: shared, gapTimeoutMs: 50, logger });
    opened.push(watcher);
    const seen: number[] = [];
    watcher.onAny((item) => void seen.push(item.seq));
    const raw = new Redis(url);
    try {
      for (const seq of [1, 3]) {
        await raw.publish(shared, JSON.stringify({ origin: 'other', event: step('run_gap', seq) }));
      }
      await vi.waitFor(() => expect(seen).toEqual([1, 3]));
      expect(logger.warnings.join('\n')).toContain('seq 2');
    } finally {
      raw.disconnect();
    }
  });

  it('isolates a failing remote subscriber and ignores garbage on the channel', async () => {
    const shared = channel();
    const worker = await connect({ channel: shared });
    const watcher = await connect({ channel: shared });
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const seen: number[] = [];
      const failures: string[] = [];
      watcher.on('step.started', async () => {
        throw new Error('remote subscriber bug');
      });
      watcher.on('step.started', (item) => void seen.push(item.seq));
      watcher.on('subscriber.failed', (item) => void failures.push(item.data.message));
      const raw = new Redis(url);
      await raw.publish(shared, 'not json');
      await raw.publish(shared, JSON.stringify({ origin: 'x', event: { nope: true } }));
      raw.disconnect();
      await worker.publish(step('run_iso', 1));
      await worker.publish(step('run_iso', 2));
      await vi.waitFor(() => expect(seen).toEqual([1, 2]));
      await vi.waitFor(() => expect(failures).toEqual(['remote subscriber bug', 'remote subscriber bug']));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('is created from config, and a wrong url fails with plugin.create_failed without the password', async () => {
    const deps = busDeps();
    const bus = await RedisEventBus.plugin.create(
      RedisEventBus.plugin.configSchema.parse({ url, channel: channel() }),
      deps,
    );
    opened.push(bus as RedisEventBus);
    expect(bus.name).toBe('redis');
    const failure = RedisEventBus.connect({ url: 'redis://user:pa55word@127.0.0.1:1', channel: channel() });
    await expect(failure).rejects.toMatchObject({ code: 'plugin.create_failed' });
    await expect(failure).rejects.not.toThrow(/pa55word/);
  });
});
