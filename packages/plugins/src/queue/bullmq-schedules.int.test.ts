/** `BullmqQueue.schedule`: two queue clients (as two workers) registering one schedule share its ticks. */
import type { ScheduledTick } from '@agentry/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqQueue } from './bullmq-queue.js';

const redisUrl = process.env.REDIS_URL;
const prefix = `agentry_sched_${process.pid}_${Date.now().toString(36)}`;

describe.skipIf(!redisUrl)('BullmqQueue.schedule on Redis (needs REDIS_URL)', () => {
  const queues: BullmqQueue[] = [];
  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    const redis = new Redis(redisUrl!);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  it('each tick of an interval is handled by exactly one of two clients', { timeout: 30_000 }, async () => {
    const ticks: { client: number; tick: ScheduledTick }[] = [];
    for (const client of [0, 1]) {
      const queue = new BullmqQueue({ url: redisUrl!, prefix, stalledIntervalMs: 1000 });
      queues.push(queue);
      await queue.schedule('trigger:a.poll', { kind: 'interval', everyMs: 200 }, async (tick) => {
        ticks.push({ client, tick });
      });
    }
    const end = Date.now() + 20_000;
    while (ticks.length < 8 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    const times = ticks.map(({ tick }) => tick.scheduledAt);
    expect(times.length).toBeGreaterThanOrEqual(8);
    expect(new Set(times).size).toBe(times.length);
    expect(ticks.every(({ tick }) => tick.scheduleId === 'trigger:a.poll')).toBe(true);
  });
});
