import type { NextExecutor, ToolExecution } from '@agentry/core';
import { describeToolExecutorConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { ConcurrentToolExecutor } from './concurrent-tool-executor.js';

describeToolExecutorConformance({
  name: 'concurrent',
  create: () =>
    ConcurrentToolExecutor.plugin.create(
      ConcurrentToolExecutor.plugin.configSchema.parse({ maxConcurrency: 2 }),
      undefined as never,
    ),
});

const execution = (runId: string, callId: string): ToolExecution => ({
  tool: { name: 'work' } as never,
  input: {},
  context: makeToolContext({ runId, callId }),
});

describe('concurrent executor', () => {
  it('declares its concurrency and needs maxConcurrency', () => {
    expect(new ConcurrentToolExecutor({ maxConcurrency: 3 }).concurrency).toBe(3);
    expect(ConcurrentToolExecutor.plugin.configSchema.safeParse({}).success).toBe(false);
    expect(ConcurrentToolExecutor.plugin.configSchema.safeParse({ maxConcurrency: 0 }).success).toBe(false);
  });

  it('never runs more than maxConcurrency calls of one run at once, and runs them all', async () => {
    const executor = new ConcurrentToolExecutor({ maxConcurrency: 2 });
    let running = 0;
    let peak = 0;
    const next: NextExecutor = async (received) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return { ok: true, output: received.context.callId };
    };
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) => executor.execute(execution('run_1', id), next)),
    );
    expect(peak).toBe(2);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.output : null))).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('does not make one run wait for another', async () => {
    const executor = new ConcurrentToolExecutor({ maxConcurrency: 1 });
    let release: () => void = () => undefined;
    const blocked = executor.execute(execution('run_a', 'slow'), async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { ok: true, output: 'slow' };
    });
    const other = await executor.execute(execution('run_b', 'fast'), async () => ({
      ok: true,
      output: 'fast',
    }));
    expect(other).toEqual({ ok: true, output: 'fast' });
    release();
    expect(await blocked).toEqual({ ok: true, output: 'slow' });
  });
});
