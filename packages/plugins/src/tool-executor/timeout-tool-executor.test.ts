import { defineTool, type ToolExecution } from '@agentry/core';
import { describeToolExecutorConformance, makeToolContext } from '@agentry/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runTool } from '../tool/__fixtures__/test-deps.js';
import { TimeoutToolExecutor } from './timeout-tool-executor.js';

describeToolExecutorConformance({
  name: 'timeout',
  create: () =>
    TimeoutToolExecutor.plugin.create(TimeoutToolExecutor.plugin.configSchema.parse({}), undefined as never),
});

let seen: AbortSignal | undefined;
const stubborn = defineTool({
  name: 'stubborn',
  description: 'Never finishes and ignores its signal',
  input: z.object({}),
  sideEffects: 'none',
  execute: (_input, context) => {
    seen = context.signal;
    return new Promise<string>(() => undefined);
  },
});
const quick = defineTool({
  name: 'quick',
  description: 'Answers at once',
  input: z.object({}),
  sideEffects: 'none',
  execute: () => 'done',
});
const call = (tool: typeof quick, signal?: AbortSignal): ToolExecution => ({
  tool: tool as never,
  input: {},
  context: makeToolContext(signal ? { signal } : {}),
});

describe('timeout executor', () => {
  it('answers tool.timeout (retryable) without waiting for a tool that ignores its signal, and aborts that signal', async () => {
    const executor = new TimeoutToolExecutor({ defaultMs: 30 });
    const outcome = await executor.execute(call(stubborn as never), runTool);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'tool.timeout', retryable: true } });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toMatchObject({ code: 'tool.timeout' });
  });

  it('uses per-tool limits over the default and lets quick calls through', async () => {
    const executor = new TimeoutToolExecutor({ defaultMs: 600_000, perTool: { stubborn: 20 } });
    expect(executor.limitFor('stubborn')).toBe(20);
    expect(await executor.execute(call(stubborn as never), runTool)).toMatchObject({
      error: { code: 'tool.timeout' },
    });
    expect(await executor.execute(call(quick), runTool)).toEqual({ ok: true, output: 'done' });
  });

  it('passes a run cancellation on instead of calling it a timeout', async () => {
    const controller = new AbortController();
    const executor = new TimeoutToolExecutor({ defaultMs: 600_000 });
    const pending = executor.execute(call(stubborn as never, controller.signal), async (execution) => {
      await new Promise((_resolve, reject) =>
        execution.context.signal.addEventListener('abort', () => reject(execution.context.signal.reason)),
      );
      return { ok: true, output: null };
    });
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
  });

  it('refuses unknown config keys', () => {
    expect(TimeoutToolExecutor.plugin.configSchema.safeParse({ timeoutMs: 5 }).success).toBe(false);
  });
});
