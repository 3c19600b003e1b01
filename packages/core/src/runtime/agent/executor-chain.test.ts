import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../../contracts/json.js';
import type { Tool } from '../../contracts/tool.js';
import type { ToolExecutor } from '../../contracts/tool-executor.js';
import { defineTool } from '../../plugin/define-tool.js';
import { composeExecutors } from './executor-chain.js';

describe('composeExecutors', () => {
  const signal = new AbortController().signal;
  const context = {
    callId: 'c',
    idempotencyKey: 'c',
    runId: 'r',
    sessionId: 's',
    agentId: 'a',
    step: 0,
    signal,
  };
  const tool = (execute: Tool['execute']): Tool =>
    defineTool({ name: 't', description: 't', input: z.object({}), sideEffects: 'none', execute });

  it('without executors, answers a synchronous tool with its outcome, not a promise', () => {
    const chain = composeExecutors([]);
    expect(chain.execute({ tool: tool(() => ({ n: 1 })), input: {}, context })).toEqual({
      ok: true,
      output: { n: 1 },
    });
    expect(
      chain.execute({
        tool: tool(() => undefined as unknown as JsonValue) /* a JavaScript tool that returns nothing */,
        input: {},
        context,
      }),
    ).toEqual({
      ok: true,
      output: null,
    });
    expect(
      chain.execute({
        tool: tool(() => {
          throw new TypeError('boom');
        }),
        input: {},
        context,
      }),
    ).toEqual({ ok: false, error: { code: 'tool.failed', message: 'boom', retryable: false } });
  });

  it('without executors, settles an async tool like executeTool, and re-throws the abort reason', async () => {
    const chain = composeExecutors([]);
    await expect(chain.execute({ tool: tool(async () => 'done'), input: {}, context })).resolves.toEqual({
      ok: true,
      output: 'done',
    });
    const controller = new AbortController();
    const reason = new Error('aborted');
    const aborted = { ...context, signal: controller.signal };
    const pending = chain.execute({
      tool: tool(
        () =>
          new Promise((_resolve, reject) => {
            controller.signal.addEventListener('abort', () => reject(new Error('tool saw the abort')));
          }),
      ),
      input: {},
      context: aborted,
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('with executors, runs them first to last around the tool and always answers with a promise', async () => {
    const order: string[] = [];
    const executor = (name: string): ToolExecutor => ({
      kind: 'tool-executor',
      specVersion: 1,
      name,
      execute: async (execution, next) => {
        order.push(name);
        return next(execution);
      },
    });
    const chain = composeExecutors([executor('first'), executor('second')]);
    const result = chain.execute({ tool: tool(() => 1), input: {}, context });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toEqual({ ok: true, output: 1 });
    expect(order).toEqual(['first', 'second']);
  });
});
