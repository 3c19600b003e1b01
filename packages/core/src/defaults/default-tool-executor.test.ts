import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolExecution } from '../contracts/tool-executor.js';
import { ToolError } from '../errors/agentry-error.js';
import { defineTool } from '../plugin/define-tool.js';
import { describeToolExecutorConformance } from '../testing/tool-executor-conformance.js';
import { DefaultToolExecutor } from './default-tool-executor.js';

describeToolExecutorConformance({ name: 'DefaultToolExecutor', create: () => new DefaultToolExecutor() });
describeToolExecutorConformance({
  name: 'DefaultToolExecutor (concurrency 1)',
  create: () => new DefaultToolExecutor({ concurrency: 1 }),
});

const tool = defineTool({
  name: 'add',
  description: 'Adds',
  input: z.object({ a: z.number(), b: z.number() }),
  sideEffects: 'none',
  execute: ({ a, b }) => a + b,
});

const execution: ToolExecution = {
  tool,
  input: { a: 2, b: 3 },
  context: {
    callId: 'c1',
    idempotencyKey: 'c1',
    runId: 'r',
    sessionId: 's',
    agentId: 'a',
    step: 0,
    signal: new AbortController().signal,
  },
};

describe('DefaultToolExecutor', () => {
  it('passes the call to the rest of the chain once and returns its outcome unchanged', async () => {
    const executor = new DefaultToolExecutor();
    const seen: ToolExecution[] = [];
    const outcome = await executor.execute(execution, async (given) => {
      seen.push(given);
      return { ok: true, output: (await given.tool.execute(given.input, given.context)) as number };
    });
    expect(outcome).toEqual({ ok: true, output: 5 });
    expect(seen).toEqual([execution]);
    expect(executor.concurrency).toBeUndefined();
  });

  it('takes a concurrency cap and rejects a bad one with a clear message', async () => {
    const config = DefaultToolExecutor.plugin.configSchema.parse({ concurrency: 2 });
    const executor = await DefaultToolExecutor.plugin.create(config, undefined as never);
    expect(executor.concurrency).toBe(2);
    const bad = DefaultToolExecutor.plugin.configSchema.safeParse({ concurrency: 0 });
    expect(bad.success).toBe(false);
    expect(DefaultToolExecutor.plugin).toMatchObject({ kind: 'tool-executor', name: 'default' });
  });
});

describe('DefaultToolExecutor failures', () => {
  it('turns a throw further down the chain into a failed outcome, but passes an abort on', async () => {
    const executor = new DefaultToolExecutor();
    const outcome = await executor.execute(execution, async () => {
      throw new ToolError('tool.timeout', { message: 'took too long', hint: 'raise timeoutMs' });
    });
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'tool.timeout', message: 'took too long', retryable: true, hint: 'raise timeoutMs' },
    });
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const aborted = { ...execution, context: { ...execution.context, signal: controller.signal } };
    await expect(
      executor.execute(aborted, async () => {
        throw controller.signal.reason;
      }),
    ).rejects.toThrow('cancelled');
  });
});
