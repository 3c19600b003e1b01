import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledTick } from '../contracts/queue.js';
import { scheduleLocally } from './local-schedule.js';

// The schedule's timers and clock are fake: ticks happen when the test moves the clock, not in real time.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(Date.parse('2026-03-01T10:00:00.250Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('in-process schedules', () => {
  it('tick once per cron second, on the second, and not after stop', async () => {
    const ticks: ScheduledTick[] = [];
    const handle = scheduleLocally('every-second', { kind: 'cron', cron: '* * * * * *' }, async (tick) => {
      ticks.push(tick);
    });
    await vi.advanceTimersByTimeAsync(749);
    expect(ticks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ticks.map((tick) => new Date(tick.scheduledAt).toISOString())).toEqual([
      '2026-03-01T10:00:01.000Z',
      '2026-03-01T10:00:02.000Z',
      '2026-03-01T10:00:03.000Z',
    ]);
    expect(ticks.every((tick) => tick.scheduleId === 'every-second')).toBe(true);
    await handle.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ticks).toHaveLength(3);
  });

  it('does not hold the next tick for a slow handler; stop waits for the ones in flight', async () => {
    const started: number[] = [];
    let finish = (): void => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let finished = 0;
    const handle = scheduleLocally('slow', { kind: 'interval', everyMs: 100 }, async (tick) => {
      started.push(tick.scheduledAt);
      await gate;
      finished += 1;
    });
    await vi.advanceTimersByTimeAsync(300);
    expect(started).toHaveLength(3);
    expect(finished).toBe(0);
    let stopped = false;
    const stopping = handle.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(finished).toBe(3);
  });

  it('reports a handler that throws and keeps ticking', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const handle = scheduleLocally(
      'failing',
      { kind: 'interval', everyMs: 1_000 },
      async () => {
        calls += 1;
        throw new Error('tick failed');
      },
      (error) => errors.push(error),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    expect(errors.map(String)).toEqual(['Error: tick failed', 'Error: tick failed']);
    await handle.stop();
  });
});
