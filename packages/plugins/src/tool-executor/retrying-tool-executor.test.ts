import { defineTool, type NextExecutor, type SideEffects, ToolError, type ToolOutcome } from '@agentry/core';
import { describeToolExecutorConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runTool } from '../tool/__fixtures__/test-deps.js';
import { RetryingToolExecutor } from './retrying-tool-executor.js';

describeToolExecutorConformance({
  name: 'retrying',
  create: () => new RetryingToolExecutor({ baseDelayMs: 1 }),
});

function flaky(failures: number, sideEffects: SideEffects = 'none', error?: () => Error) {
  let calls = 0;
  const tool = defineTool({
    name: 'flaky',
    description: 'Fails a few times',
    input: z.object({}),
    sideEffects,
    execute: () => {
      calls += 1;
      if (calls <= failures) {
        throw error?.() ?? new ToolError('tool.failed', { message: `failure ${calls}`, retryable: true });
      }
      return `ok after ${calls}`;
    },
  });
  return { execution: { tool: tool as never, input: {}, context: makeToolContext() }, calls: () => calls };
}

describe('retrying executor', () => {
  it('retries retryable failures with exponential backoff and records attempts and delays', async () => {
    const executor = new RetryingToolExecutor({ attempts: 4, baseDelayMs: 10, factor: 2 }, () => 0.5);
    const { execution, calls } = flaky(2);
    const outcome = await executor.execute(execution, runTool);
    expect(outcome).toEqual({
      ok: true,
      output: 'ok after 3',
      metadata: { attempts: 3, retryDelaysMs: [5, 10] },
    });
    expect(calls()).toBe(3);
  });

  it('gives up after the last attempt and returns the failure', async () => {
    const executor = new RetryingToolExecutor({ attempts: 2, baseDelayMs: 1 });
    const { execution, calls } = flaky(5);
    expect(await executor.execute(execution, runTool)).toMatchObject({
      ok: false,
      error: { code: 'tool.failed', message: 'failure 2', retryable: true },
      metadata: { attempts: 2 },
    });
    expect(calls()).toBe(2);
  });

  it('does not retry permanent failures, nor unsafe tools unless retryUnsafe', async () => {
    const permanent = flaky(5, 'none', () => new ToolError('tool.failed', { message: 'bad input' }));
    expect(
      await new RetryingToolExecutor({ baseDelayMs: 1 }).execute(permanent.execution, runTool),
    ).toMatchObject({
      metadata: { attempts: 1 },
    });
    const unsafe = flaky(1, 'unsafe');
    expect(
      await new RetryingToolExecutor({ baseDelayMs: 1 }).execute(unsafe.execution, runTool),
    ).toMatchObject({ ok: false });
    const allowed = flaky(1, 'unsafe');
    expect(
      await new RetryingToolExecutor({ baseDelayMs: 1, retryUnsafe: true }).execute(
        allowed.execution,
        runTool,
      ),
    ).toMatchObject({ ok: true, metadata: { attempts: 2 } });
  });

  it('waits at least retryAfterMs, and returns failures that ask to wait longer than maxRetryAfterMs', async () => {
    const rateLimited = () =>
      new ToolError('tool.failed', { message: 'slow down', retryable: true, retryAfterMs: 40 });
    const executor = new RetryingToolExecutor({ baseDelayMs: 1 }, () => 0);
    let calls = 0;
    const limitedOnce: NextExecutor = async () => {
      calls += 1;
      if (calls > 1) return { ok: true, output: 'ok' };
      return {
        ok: false,
        error: { code: 'tool.failed', message: 'slow down', retryable: true },
        metadata: { retryAfterMs: 40 },
      };
    };
    expect(await executor.execute(flaky(0).execution, limitedOnce)).toMatchObject({
      ok: true,
      metadata: { retryDelaysMs: [40] },
    });
    const fromNext: NextExecutor = async () => {
      throw rateLimited();
    };
    const impatient = new RetryingToolExecutor({ baseDelayMs: 1, maxRetryAfterMs: 10 });
    expect(await impatient.execute(flaky(0).execution, fromNext)).toMatchObject({
      ok: false,
      metadata: { attempts: 1 },
    });
  });

  it('caps the backoff at maxDelayMs', () => {
    const executor = new RetryingToolExecutor({ baseDelayMs: 100, factor: 3, maxDelayMs: 500 });
    expect([1, 2, 3, 4].map((retry) => executor.backoff(retry))).toEqual([100, 300, 500, 500]);
  });

  it('applies timeoutMs to each attempt, so a hanging tool ends as tool.timeout after all attempts', async () => {
    const executor = new RetryingToolExecutor({ attempts: 2, baseDelayMs: 1, timeoutMs: 20 });
    const hanging: NextExecutor = () => new Promise<ToolOutcome>(() => undefined);
    expect(await executor.execute(flaky(0).execution, hanging)).toMatchObject({
      ok: false,
      error: { code: 'tool.timeout' },
      metadata: { attempts: 2 },
    });
  });

  it('stops waiting when the run is cancelled during a backoff', async () => {
    const controller = new AbortController();
    const executor = new RetryingToolExecutor({ baseDelayMs: 600_000, jitter: false });
    const { execution } = flaky(5);
    const pending = executor.execute(
      { ...execution, context: makeToolContext({ signal: controller.signal }) },
      async (received) => {
        setImmediate(() => controller.abort(new Error('run cancelled')));
        return runTool(received);
      },
    );
    await expect(pending).rejects.toThrow('run cancelled');
  });
});
