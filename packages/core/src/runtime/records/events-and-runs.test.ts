import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { RunResult } from '../../contracts/run.js';
import type { Runtime } from '../../contracts/runtime.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const script = [
  { text: 'let me note that', toolCalls: [{ tool: 'note', input: { value: 'x' } }] },
  { text: 'all noted, thank you' },
];

async function noteRuntime() {
  const note = recordingTool('note', { sideEffects: 'none' });
  const built = await configRuntime(script, {}, { tools: [note.tool] });
  opened.push(built.runtime);
  return built.runtime;
}

function withoutRunIdentity(result: RunResult) {
  const { runId: _runId, sessionId: _sessionId, usage, ...rest } = result;
  return { ...rest, usage: { ...usage, durationMs: 0 } };
}

describe('events', () => {
  it('subscribers that throw or reject on every event change nothing, and cause no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const quiet = await noteRuntime();
      const baseline = await quiet.run({ agent: 'assistant', input: 'note it' });

      const noisy = await noteRuntime();
      let calls = 0;
      noisy.events.onAny(() => {
        calls += 1;
        throw new Error('subscriber throws');
      });
      noisy.events.onAny(async () => {
        calls += 1;
        throw new Error('subscriber rejects');
      });
      noisy.events.on('tool.succeeded', async () => {
        throw new Error('typed subscriber rejects');
      });
      const result = await noisy.run({ agent: 'assistant', input: 'note it' });
      // Rejections of async subscribers are reported once the event loop turns.
      await new Promise((resolve) => setImmediate(resolve));

      expect(withoutRunIdentity(result)).toEqual(withoutRunIdentity(baseline));
      expect(calls).toBeGreaterThan(10);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stores every event with contiguous seq, replayable after a given seq', async () => {
    const runtime = await noteRuntime();
    const live: AnyAgentryEvent[] = [];
    runtime.events.onAny((event) => {
      live.push(event);
    });
    const result = await runtime.run({ agent: 'assistant', input: 'note it', sessionId: 'replay' });
    const stored = await runtime.runs.events(result.runId);
    expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index + 1));
    expect(stored).toEqual(live.filter((event) => event.runId === result.runId));
    expect(stored[0]).toMatchObject({
      type: 'run.started',
      runId: result.runId,
      sessionId: 'replay',
      agentId: 'assistant',
    });
    expect(stored.at(-1)?.type).toBe('run.completed');
    expect(stored.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'step.started',
        'context.assembled',
        'model.requested',
        'model.responded',
        'tool.requested',
        'tool.started',
        'tool.succeeded',
        'step.completed',
      ]),
    );
    const tail = await runtime.runs.events(result.runId, { afterSeq: 5 });
    expect(tail[0]?.seq).toBe(6);
    expect(tail).toEqual(stored.slice(5));
  });

  it('replays long runs across stored blocks, from any seq', async () => {
    const note = recordingTool('note', { sideEffects: 'none' });
    const steps = Array.from({ length: 40 }, (_, index) => ({
      toolCalls: [{ tool: 'note', input: { value: `v${index}` } }],
    }));
    const { runtime } = await configRuntime(
      [...steps, 'done'],
      { pattern: { type: 'tool-loop', config: { maxSteps: 50 } } },
      { tools: [note.tool] },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'long' });
    expect(result.status).toBe('completed');
    const events = await runtime.runs.events(result.runId);
    expect(events.length).toBeGreaterThan(300);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    for (const afterSeq of [127, 128, 129, 255, 256, events.length - 1, events.length]) {
      const tail = await runtime.runs.events(result.runId, { afterSeq });
      expect(tail, `afterSeq ${afterSeq}`).toEqual(events.slice(afterSeq));
    }
  });

  it('continues seq across a suspend and resume', async () => {
    const send = recordingTool('send', { approval: 'always' });
    const { runtime } = await configRuntime(
      [{ toolCalls: [{ tool: 'send', input: { value: 'v' } }] }, { text: 'ok' }],
      {},
      { tools: [send.tool] },
    );
    opened.push(runtime);
    const first = await runtime.run({ agent: 'assistant', input: 'go' });
    await runtime.resume(first.runId, { decisions: { [first.pending[0]!.callId]: { approve: true } } });
    const events = await runtime.runs.events(first.runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === 'run.resumed')).toHaveLength(1);
  });

  it('stream yields every event of the run, model deltas included, ending with the final event', async () => {
    const runtime = await noteRuntime();
    const streamed: AnyAgentryEvent[] = [];
    for await (const event of runtime.stream({ agent: 'assistant', input: 'note it' })) streamed.push(event);
    const deltas = streamed.filter((event) => event.type === 'model.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => (event.type === 'model.delta' ? event.data.text : '')).join('')).toBe(
      'let me note thatall noted, thank you',
    );
    expect(streamed.at(-1)?.type).toBe('run.completed');
    expect(streamed.map((event) => event.seq)).toEqual(streamed.map((_, index) => index + 1));
    const stored = await runtime.runs.events(streamed[0]!.runId);
    expect(stored).toEqual(streamed);
  });

  it('stream hands back the run id at once and the result when the run ends, without re-reading the record', async () => {
    const runtime = await noteRuntime();
    const run = runtime.stream({ agent: 'assistant', input: 'note it' });
    expect(run.runId).toMatch(/\S/);
    const result = await run.result;
    expect(result).toMatchObject({ runId: run.runId, status: 'completed', output: 'all noted, thank you' });
    // The run started when stream was called: iterating after its end still yields every event.
    const streamed: AnyAgentryEvent[] = [];
    for await (const event of run) streamed.push(event);
    expect(streamed.map((event) => event.runId)).toEqual(streamed.map(() => run.runId));
    expect(streamed.at(-1)?.type).toBe('run.completed');
    expect(await runtime.run({ agent: 'assistant', input: 'note it', runId: 'given' })).toMatchObject({
      runId: 'given',
    });
    expect(runtime.stream({ agent: 'assistant', input: 'x', runId: 'mine' }).runId).toBe('mine');
  });

  it('stream of a bad request rejects its result and throws from its iterator', async () => {
    const runtime = await noteRuntime();
    const run = runtime.stream({ agent: 'asistant', input: 'x' });
    await expect(run.result).rejects.toMatchObject({ code: 'agent.not_found' });
    const iterated = (async () => {
      for await (const _event of run);
    })();
    await expect(iterated).rejects.toMatchObject({ code: 'agent.not_found' });
  });
});

describe('run records', () => {
  it('lists runs newest first, filtered by session, agent and status', async () => {
    const runtime = await noteRuntime();
    const a = await runtime.run({ agent: 'assistant', input: 'one', sessionId: 'alpha' });
    const b = await runtime.run({ agent: 'assistant', input: 'two', sessionId: 'beta' });
    const c = await runtime.run({ agent: 'assistant', input: 'three', sessionId: 'alpha' });
    const alpha = await runtime.runs.list({ sessionId: 'alpha' });
    expect(alpha.map((record) => record.runId)).toEqual([c.runId, a.runId]);
    expect((await runtime.runs.list()).map((record) => record.runId)).toEqual([c.runId, b.runId, a.runId]);
    expect(await runtime.runs.list({ status: 'failed' })).toEqual([]);
    expect(await runtime.runs.list({ limit: 1 })).toHaveLength(1);
    const record = await runtime.runs.get(b.runId);
    expect(record).toMatchObject({
      runId: b.runId,
      sessionId: 'beta',
      agentId: 'assistant',
      status: 'completed',
      stopReason: 'completed',
      input: 'two',
      output: 'all noted, thank you',
      durable: false,
      pending: [],
    });
    expect(record?.usage.modelCalls).toBe(2);
    expect(await runtime.runs.get('run_missing')).toBeUndefined();
  });
});
