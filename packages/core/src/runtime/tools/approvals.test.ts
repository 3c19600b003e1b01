import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { ToolMessage } from '../../contracts/message.js';
import type { Runtime } from '../../contracts/runtime.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function gated(script: Parameters<typeof configRuntime>[0], agent: Record<string, unknown> = {}) {
  const send = recordingTool('send', { approval: 'always', sideEffects: 'unsafe' });
  const read = recordingTool('read', { sideEffects: 'none' });
  const built = await configRuntime(script, agent, { tools: [send.tool, read.tool] });
  opened.push(built.runtime);
  return { ...built, send, read };
}

const sendThenDone = [{ toolCalls: [{ tool: 'send', input: { value: 'mail' } }] }, { text: 'finished' }];

function toolMessages(model: { calls: { messages: readonly unknown[] }[] }, call: number): ToolMessage[] {
  return (model.calls[call]?.messages ?? []).filter(
    (message): message is ToolMessage => (message as { role: string }).role === 'tool',
  );
}

describe('approval gate', () => {
  it('approval: always on a YAML tool slot suspends a tool that needs none of its own', async () => {
    const holder = globalThis as { __agentrySlotToolSent?: string[] };
    const sent: string[] = [];
    holder.__agentrySlotToolSent = sent;
    const runtime = await createRuntime({
      cwd: fileURLToPath(new URL('../__fixtures__/', import.meta.url)),
      config: {
        version: 1,
        models: {
          demo: {
            provider: 'scripted',
            script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'ok'],
          },
        },
        agents: { mailer: { model: 'demo', tools: [{ impl: './slot-tools.ts#send', approval: 'always' }] } },
      },
    });
    opened.push(runtime);
    const first = await runtime.run({ agent: 'mailer', input: 'mail ada' });
    expect(first.stopReason).toBe('awaiting_approval');
    expect(sent).toEqual([]);
    const done = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(done.status).toBe('completed');
    expect(sent).toEqual(['ada']);
  });

  it('suspends on approval: always and runs the call exactly once after approval', async () => {
    const { runtime, send } = await gated(sendThenDone);
    const first = await runtime.run({ agent: 'assistant', input: 'send it' });
    expect(first.status).toBe('suspended');
    expect(first.stopReason).toBe('awaiting_approval');
    expect(first.pending).toHaveLength(1);
    const [pending] = first.pending;
    expect(pending).toMatchObject({ tool: 'send', input: { value: 'mail' }, reason: 'approval' });
    expect(pending!.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(send.executed).toEqual([]);
    expect((await runtime.runs.get(first.runId))?.status).toBe('suspended');

    const decisions = { [pending!.callId]: { approve: true as const } };
    const [resumed, twice] = await Promise.allSettled([
      runtime.resume(first.runId, { decisions }),
      runtime.resume(first.runId, { decisions }),
    ]);
    expect(twice.status).toBe('rejected');
    if (resumed.status !== 'fulfilled') throw resumed.reason;
    expect(resumed.value.status).toBe('completed');
    expect(resumed.value.output).toBe('finished');
    expect(send.executed).toEqual([{ value: 'mail' }]);
    expect(resumed.value.usage.toolCalls).toBe(1);
    const types = (await runtime.runs.events(first.runId)).map((event) => event.type);
    expect(types).toContain('tool.approval_requested');
    expect(types).toContain('run.suspended');
    expect(types).toContain('run.resumed');
    expect(types).toContain('tool.approved');
    expect(types.at(-1)).toBe('run.completed');
  });

  it('tells the model the reason of a denial', async () => {
    const { runtime, model, send } = await gated(sendThenDone);
    const first = await runtime.run({ agent: 'assistant', input: 'send it' });
    const callId = first.pending[0]!.callId;
    const resumed = await runtime.resume(first.runId, {
      decisions: { [callId]: { approve: false, reason: 'not to that address' } },
    });
    expect(resumed.status).toBe('completed');
    expect(send.executed).toEqual([]);
    const [toolMessage] = toolMessages(model, 1);
    expect(toolMessage?.isError).toBe(true);
    expect(JSON.stringify(toolMessage?.content)).toContain('not to that address');
  });

  it('executes the edited input of an approval, and refuses an edit that fails the schema', async () => {
    const { runtime, send } = await gated(sendThenDone);
    const first = await runtime.run({ agent: 'assistant', input: 'send it' });
    const callId = first.pending[0]!.callId;
    const bad = await runtime
      .resume(first.runId, { decisions: { [callId]: { approve: true, input: { value: 7 } } } })
      .catch((caught: unknown) => caught);
    expect(isAgentryError(bad) && bad.code).toBe('run.decision_invalid');
    const resumed = await runtime.resume(first.runId, {
      decisions: { [callId]: { approve: true, input: { value: 'edited mail' } } },
    });
    expect(resumed.status).toBe('completed');
    expect(send.executed).toEqual([{ value: 'edited mail' }]);
  });

  it('refuses an approval or denial made for another input hash, and accepts the matching one', async () => {
    const { runtime, send } = await gated(sendThenDone);
    const first = await runtime.run({ agent: 'assistant', input: 'send it' });
    const { callId, inputHash } = first.pending[0]!;
    const stale = 'f'.repeat(64);
    for (const decision of [
      { approve: true as const, inputHash: stale },
      { approve: false as const, reason: 'no', inputHash: stale },
    ]) {
      const refused = await runtime
        .resume(first.runId, { decisions: { [callId]: decision } })
        .catch((caught: unknown) => caught);
      expect(isAgentryError(refused) && refused.code).toBe('run.decision_invalid');
      expect((refused as Error).message).toContain('input changed');
    }
    expect(send.executed).toEqual([]);
    const done = await runtime.resume(first.runId, { decisions: { [callId]: { approve: true, inputHash } } });
    expect(done.status).toBe('completed');
    expect(send.executed).toEqual([{ value: 'mail' }]);
  });

  it('refuses decisions for unknown call ids and missing decisions, naming the pending calls', async () => {
    const { runtime, send } = await gated(sendThenDone);
    const first = await runtime.run({ agent: 'assistant', input: 'send it' });
    const callId = first.pending[0]!.callId;
    const wrong = await runtime
      .resume(first.runId, { decisions: { 'not-a-call': { approve: true } } })
      .catch((caught: unknown) => caught);
    expect(isAgentryError(wrong) && wrong.code).toBe('run.decision_invalid');
    expect((wrong as Error).message).toContain('not-a-call');
    expect(isAgentryError(wrong) && wrong.hint).toContain(callId);
    const missing = await runtime.resume(first.runId, { decisions: {} }).catch((caught: unknown) => caught);
    expect(isAgentryError(missing) && missing.code).toBe('run.decision_invalid');
    expect((missing as Error).message).toContain('Missing decision');
    const wrongKind = await runtime
      .resume(first.runId, { decisions: { [callId]: { outcome: 'retry' } } })
      .catch((caught: unknown) => caught);
    expect(isAgentryError(wrongKind) && wrongKind.code).toBe('run.decision_invalid');
    expect(send.executed).toEqual([]);
    const done = await runtime.resume(first.runId, { decisions: { [callId]: { approve: true } } });
    expect(done.status).toBe('completed');
    const again = await runtime
      .resume(first.runId, { decisions: { [callId]: { approve: true } } })
      .catch((caught: unknown) => caught);
    expect(isAgentryError(again) && again.code).toBe('run.not_resumable');
    expect(send.executed).toHaveLength(1);
  });

  it('still runs the calls of the same turn that need no approval, once', async () => {
    const { runtime, send, read } = await gated([
      {
        toolCalls: [
          { tool: 'read', input: { value: 'a' } },
          { tool: 'send', input: { value: 'b' } },
          { tool: 'read', input: { value: 'c' } },
        ],
      },
      { text: 'finished' },
    ]);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(first.status).toBe('suspended');
    expect(first.pending.map((call) => call.tool)).toEqual(['send']);
    expect(read.executed).toEqual([{ value: 'a' }, { value: 'c' }]);
    const resumed = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(resumed.status).toBe('completed');
    expect(read.executed).toHaveLength(2);
    expect(send.executed).toEqual([{ value: 'b' }]);
    const events = await runtime.runs.events(first.runId);
    const replays = events.filter(
      (event): event is Extract<AnyAgentryEvent, { type: 'tool.succeeded' }> =>
        event.type === 'tool.succeeded' && event.data.replayed,
    );
    expect(replays).toHaveLength(2);
  });

  it('applies agent and request policies in increasing precedence, and sticky decisions', async () => {
    const script = [
      { toolCalls: [{ tool: 'send', input: { value: '1' } }] },
      { toolCalls: [{ tool: 'send', input: { value: '2' } }] },
      { toolCalls: [{ tool: 'read', input: { value: '3' } }] },
      { text: 'finished' },
    ];
    const allowed = await gated(script, { approvals: { tools: { send: 'allow' } } });
    const direct = await allowed.runtime.run({ agent: 'assistant', input: 'go' });
    expect(direct.status).toBe('completed');
    expect(allowed.send.executed).toHaveLength(2);

    const denied = await gated(script, { approvals: { tools: { send: 'allow' } } });
    const refused = await denied.runtime.run({
      agent: 'assistant',
      input: 'go',
      approvals: { tools: { send: 'deny' } },
    });
    expect(refused.status).toBe('completed');
    expect(denied.send.executed).toEqual([]);

    const sticky = await gated(script);
    const first = await sticky.runtime.run({
      agent: 'assistant',
      input: 'go',
      approvals: { default: 'ask' },
    });
    expect(first.pending.map((call) => call.tool)).toEqual(['send']);
    const second = await sticky.runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true, sticky: true } },
    });
    expect(second.status).toBe('suspended');
    expect(second.pending.map((call) => call.tool)).toEqual(['read']);
    expect(sticky.send.executed).toHaveLength(2);
  });
});
