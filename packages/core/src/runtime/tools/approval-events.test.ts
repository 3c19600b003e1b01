import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const twoSends = [
  { toolCalls: [{ tool: 'send', input: { value: '1' } }] },
  { toolCalls: [{ tool: 'send', input: { value: '2' } }] },
  { text: 'finished' },
];

async function gated(script: Parameters<typeof configRuntime>[0]) {
  const send = recordingTool('send', { approval: 'always', sideEffects: 'unsafe' });
  const built = await configRuntime(script, {}, { tools: [send.tool] });
  opened.push(built.runtime);
  return { ...built, send };
}

function ofType(events: readonly AnyAgentryEvent[], type: AnyAgentryEvent['type']) {
  return events.filter((event) => event.type === type).map((event) => event.data as Record<string, unknown>);
}

describe('approval decisions across a run', () => {
  it('a one-time approval asks again at the next call of the same tool', async () => {
    const { runtime, send } = await gated(twoSends);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    const second = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(second.status).toBe('suspended');
    expect(second.pending.map((call) => call.input)).toEqual([{ value: '2' }]);
    expect(send.executed).toEqual([{ value: '1' }]);
  });

  it('a sticky deny refuses later calls of the tool without asking', async () => {
    const { runtime, send } = await gated(twoSends);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    const done = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: false, reason: 'not today', sticky: true } },
    });
    expect(done.status).toBe('completed');
    expect(send.executed).toEqual([]);
    const denied = ofType(await runtime.runs.events(first.runId), 'tool.denied');
    expect(denied).toHaveLength(2);
    expect(denied[0]).toEqual({ callId: first.pending[0]!.callId, tool: 'send', reason: 'not today' });
    expect(denied[1]).toMatchObject({ tool: 'send', reason: expect.any(String) });
  });

  it('events carry the payloads the events reference documents', async () => {
    const { runtime } = await gated([
      { toolCalls: [{ tool: 'send', input: { value: '1' } }] },
      { text: 'done' },
    ]);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    const pending = first.pending[0]!;
    await runtime.resume(first.runId, {
      decisions: { [pending.callId]: { approve: true, input: { value: 'edited' }, sticky: true } },
    });
    const events = await runtime.runs.events(first.runId);
    expect(ofType(events, 'tool.requested')).toEqual([
      { callId: pending.callId, tool: 'send', input: { value: '1' } },
    ]);
    expect(ofType(events, 'tool.approval_requested')).toEqual([
      { callId: pending.callId, tool: 'send', input: { value: '1' }, inputHash: pending.inputHash },
    ]);
    expect(pending.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(ofType(events, 'tool.approved')).toEqual([
      { callId: pending.callId, tool: 'send', edited: true, sticky: true },
    ]);
    expect(ofType(events, 'tool.started')).toEqual([{ callId: pending.callId, tool: 'send' }]);
  });
});
