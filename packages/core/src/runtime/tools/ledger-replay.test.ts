import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('resuming a turn with a failed call', () => {
  it('replays the recorded failure instead of running the call again', async () => {
    const flaky = recordingTool('fetch', {
      sideEffects: 'none',
      run: () => {
        throw new Error('upstream refused');
      },
    });
    const send = recordingTool('send', { approval: 'always', sideEffects: 'unsafe' });
    const script = [
      {
        toolCalls: [
          { tool: 'fetch', input: { value: 'a' } },
          { tool: 'send', input: { value: 'b' } },
        ],
      },
      { text: 'finished' },
    ];
    const { runtime, model } = await configRuntime(script, {}, { tools: [flaky.tool, send.tool] });
    opened.push(runtime);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(first.status).toBe('suspended');
    expect(flaky.executed).toHaveLength(1);
    const done = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(done.status).toBe('completed');
    expect(flaky.executed).toHaveLength(1);
    expect(send.executed).toEqual([{ value: 'b' }]);
    // The model still sees the failure as the call's result.
    const lastCall = model.calls.at(-1)!.messages as { role: string; isError?: boolean; content: unknown }[];
    const failed = lastCall.find((message) => message.role === 'tool' && message.isError);
    expect(JSON.stringify(failed?.content)).toContain('upstream refused');
    const events = await runtime.runs.events(first.runId);
    const failures = events.filter(
      (event): event is Extract<AnyAgentryEvent, { type: 'tool.failed' }> => event.type === 'tool.failed',
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]!.data).toMatchObject({
      tool: 'fetch',
      error: { message: expect.stringContaining('upstream refused') },
    });
  });
});
