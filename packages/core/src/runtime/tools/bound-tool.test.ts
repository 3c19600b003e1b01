import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolMessage } from '../../contracts/message.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { ToolContext } from '../../contracts/tool.js';
import type { ToolExecutor } from '../../contracts/tool-executor.js';
import type { ScriptedModel } from '../../defaults/scripted-model.js';
import { ToolLoopPattern } from '../../defaults/tool-loop-pattern.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { scriptedRuntime } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

function toolResults(model: ScriptedModel, call: number): ToolMessage[] {
  return (model.calls[call]?.messages ?? []).filter(
    (message): message is ToolMessage => message.role === 'tool',
  );
}

const echoInput = z.object({ value: z.string() });

describe('bound tools', () => {
  it('gives the tool a deterministic call id and idempotency key', async () => {
    const contexts: ToolContext[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes',
      input: echoInput,
      sideEffects: 'none',
      execute: (input, context) => {
        contexts.push(context);
        return input.value;
      },
    });
    const { runtime } = await configRuntime(
      [{ toolCalls: [{ tool: 'echo', input: { value: 'a' } }] }, 'done'],
      {},
      { tools: [echo] },
    );
    opened.push(runtime);
    await runtime.run({ agent: 'assistant', input: 'x', runId: 'run-ids-1' });
    await runtime.run({ agent: 'assistant', input: 'x', runId: 'run-ids-2' });
    const [first, second] = contexts;
    expect(first?.callId).toBe(first?.idempotencyKey);
    expect(first?.callId).toBe('run-ids-1:1:call_1_1');
    expect(first?.step).toBe(1);
    expect(second?.callId).toBe(first?.callId.replace('run-ids-1', 'run-ids-2'));
  });

  it('shows the model zod issues for invalid input, unknown tools, and tool errors, then carries on', async () => {
    const failing = defineTool({
      name: 'fail',
      description: 'Always throws',
      input: echoInput,
      sideEffects: 'none',
      execute: () => {
        throw new Error('disk full');
      },
    });
    const { runtime, model } = await configRuntime(
      [
        {
          toolCalls: [
            { tool: 'fail', input: { value: 3 } },
            { tool: 'fial', input: {} },
            { tool: 'fail', input: { value: 'ok' } },
          ],
        },
        'recovered',
      ],
      {},
      { tools: [failing] },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'x' });
    expect(result.status).toBe('completed');
    const [invalid, unknown, thrown] = toolResults(model, 1);
    expect(invalid?.isError).toBe(true);
    expect(JSON.stringify(invalid?.content)).toContain('tool.input_invalid');
    expect(JSON.stringify(invalid?.content)).toContain('value');
    expect(JSON.stringify(unknown?.content)).toContain('did you mean \\"fail\\"?');
    expect(thrown?.content).toEqual({ error: { code: 'tool.failed', message: 'disk full' } });
    expect(result.usage.toolCalls).toBe(1);
  });

  it('reports a call of an unknown tool as tool.requested then tool.failed (tool.not_found), once', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes',
      input: echoInput,
      sideEffects: 'none',
      execute: (input) => input.value,
    });
    for (const durable of [false, true]) {
      const { runtime } = await configRuntime(
        [{ toolCalls: [{ tool: 'ecko', input: { value: 'a' } }] }, 'done'],
        { durable },
        { tools: [echo] },
      );
      opened.push(runtime);
      const result = await runtime.run({ agent: 'assistant', input: 'x' });
      expect(result.status).toBe('completed');
      const events = await runtime.runs.events(result.runId);
      const toolEvents = events.filter((event) => event.type.startsWith('tool.'));
      expect(toolEvents.map((event) => event.type)).toEqual(['tool.requested', 'tool.failed']);
      expect(toolEvents[0]?.data).toMatchObject({ tool: 'ecko', input: { value: 'a' } });
      expect(toolEvents[1]?.data).toMatchObject({ tool: 'ecko', error: { code: 'tool.not_found' } });
      const [requested, failed] = toolEvents.map((event) => (event.data as { callId: string }).callId);
      expect(requested).toBe(failed);
    }
  });

  it('truncates a tool output beyond maxToolOutputBytes for the model, with a marker', async () => {
    const big = defineTool({
      name: 'big',
      description: 'Returns a lot',
      input: z.object({ size: z.number() }),
      sideEffects: 'none',
      execute: (input) => 'x'.repeat(input.size),
    });
    const { runtime, model } = await configRuntime(
      [
        {
          toolCalls: [
            { tool: 'big', input: { size: 5000 } },
            { tool: 'big', input: { size: 500 } },
          ],
        },
        'done',
      ],
      { maxToolOutputBytes: 1024 },
      { tools: [big] },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'x' });
    expect(result.status).toBe('completed');
    const [cut, whole] = toolResults(model, 1);
    const text = String(cut?.content);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
    expect(text.startsWith('xxx')).toBe(true);
    expect(text).toMatch(/\[output truncated: showing \d+ of 5000 bytes\]$/);
    expect(whole?.content).toBe('x'.repeat(500));
  });

  it('runs before hooks in order (tool first), lets them rewrite or veto, and after hooks always run', async () => {
    const order: string[] = [];
    const executed: string[] = [];
    const tool = defineTool({
      name: 'echo',
      description: 'Echoes',
      input: echoInput,
      sideEffects: 'none',
      before: [
        ({ input }) => {
          order.push('tool-before');
          return { input: { value: `${(input as { value: string }).value}+tool` } };
        },
      ],
      after: [
        ({ outcome }) => {
          order.push(`tool-after:${outcome.ok}`);
          return undefined;
        },
      ],
      execute: (input) => {
        executed.push(input.value);
        if (input.value.startsWith('boom')) throw new Error('exploded');
        return input.value;
      },
    });
    const { runtime, model } = scriptedRuntime(
      [
        {
          toolCalls: [
            { tool: 'echo', input: { value: 'a' } },
            { tool: 'echo', input: { value: 'veto' } },
            { tool: 'echo', input: { value: 'boom' } },
          ],
        },
        'done',
      ],
      {
        tools: [tool],
        toolExecutors: [],
        hooks: {
          before: [
            ({ input }) => {
              order.push('agent-before');
              return (input as { value: string }).value.startsWith('veto')
                ? { veto: 'not allowed here' }
                : undefined;
            },
          ],
          after: [
            () => {
              order.push('agent-after-throws');
              throw new Error('after hook bug');
            },
            ({ outcome }) => (outcome.ok ? { ok: true, output: `${String(outcome.output)}!` } : undefined),
          ],
        },
        pattern: new ToolLoopPattern({ maxConcurrentTools: 1 }),
      },
      { hooks: { before: [() => void order.push('runtime-before')] } },
    );
    opened.push(runtime);
    await runtime.run({ agent: 'assistant', input: 'x' });
    expect(executed).toEqual(['a+tool', 'boom+tool']);
    const [ok, vetoed, failed] = toolResults(model, 1);
    expect(ok?.content).toBe('a+tool!');
    expect(vetoed?.content).toEqual({ error: { code: 'tool.vetoed', message: 'not allowed here' } });
    expect(failed?.content).toEqual({ error: { code: 'tool.failed', message: 'exploded' } });
    expect(order.slice(0, 6)).toEqual([
      'tool-before',
      'agent-before',
      'runtime-before',
      'tool-after:true',
      'agent-after-throws',
      'tool-before',
    ]);
    expect(order.filter((entry) => entry === 'tool-after:false')).toHaveLength(1);
  });

  it('composes executors so the first listed sees the call first, and honours their concurrency', async () => {
    const seen: string[] = [];
    let active = 0;
    let peak = 0;
    const waiting: (() => void)[] = [];
    const executor = (name: string, concurrency?: number): ToolExecutor => ({
      kind: 'tool-executor',
      specVersion: 1,
      name,
      ...(concurrency === undefined ? {} : { concurrency }),
      execute: async (execution, next) => {
        seen.push(`${name}>${(execution.input as { value: string }).value}`);
        const outcome = await next(execution);
        return outcome.ok ? { ok: true, output: `${String(outcome.output)}|${name}` } : outcome;
      },
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a moment',
      input: echoInput,
      sideEffects: 'none',
      execute: async (input) => {
        active += 1;
        peak = Math.max(peak, active);
        // A call waits until a second one is running beside it: both then finish (no timing involved).
        if (active >= 2) for (const release of waiting.splice(0)) release();
        else await new Promise<void>((resolve) => waiting.push(resolve));
        active -= 1;
        return input.value;
      },
    });
    const calls = ['1', '2', '3', '4'].map((value) => ({ tool: 'slow', input: { value } }));
    const { runtime, model } = scriptedRuntime([{ toolCalls: calls }, 'done'], {
      tools: [slow],
      toolExecutors: [executor('outer', 2), executor('inner')],
    });
    opened.push(runtime);
    await runtime.run({ agent: 'assistant', input: 'x' });
    expect(seen.slice(0, 2)).toEqual(['outer>1', 'inner>1']);
    expect(peak).toBe(2);
    expect(toolResults(model, 1).map((message) => message.content)).toEqual([
      '1|inner|outer',
      '2|inner|outer',
      '3|inner|outer',
      '4|inner|outer',
    ]);
  });
});

describe('a tool executor that throws', () => {
  it('fails that call with the error, and the run carries on', async () => {
    const broken: ToolExecutor = {
      kind: 'tool-executor',
      specVersion: 1,
      name: 'sandbox',
      execute: () => {
        throw new Error('sandbox down');
      },
    };
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes',
      input: echoInput,
      sideEffects: 'none',
      execute: (input) => input.value,
    });
    const { runtime, model } = scriptedRuntime(
      [{ toolCalls: [{ tool: 'echo', input: { value: 'a' } }] }, 'done'],
      {
        tools: [echo],
        toolExecutors: [broken],
      },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'x' });
    expect(result).toMatchObject({ status: 'completed', output: 'done' });
    expect(toolResults(model, 1).map((message) => message.content)).toEqual([
      { error: { code: 'tool.failed', message: 'sandbox down' } },
    ]);
  });
});

describe('output schema', () => {
  const schema = {
    type: 'object',
    properties: { answer: { type: 'number' } },
    required: ['answer'],
    additionalProperties: false,
  };

  it('feeds validation errors back to the model and returns the parsed output once it fits', async () => {
    const { runtime, model } = await configRuntime(['not json', '{"answer":"four"}', '{"answer":4}'], {
      outputSchema: schema,
      maxValidationRetries: 2,
    });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: '2+2?' });
    expect(result.status).toBe('completed');
    expect(result.output).toBe('{"answer":4}');
    expect(result.structured).toEqual({ answer: 4 });
    const feedback = model.calls[2]!.messages.at(-1);
    expect(feedback?.role).toBe('user');
    expect(String(feedback?.content)).toContain('answer');
    expect(model.calls[0]?.outputSchema).toEqual(schema);
  });

  it('fails with run.output_invalid after maxValidationRetries', async () => {
    const { runtime } = await configRuntime(['nope', 'still nope'], {
      outputSchema: schema,
      maxValidationRetries: 1,
    });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: '2+2?' });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('run.output_invalid');
  });
});
