/**
 * What a step costs in store calls on a shared store (each call is a round trip on PostgreSQL or Redis):
 * counted, not timed. A durable step writes its two checkpoints and reads nothing; a run that is not durable
 * makes no store call per step; input from another process still reaches a run that loops fast.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';
import { noteTool as note } from '../__fixtures__/note-tool.js';
import { recordingTool } from '../__fixtures__/runtime-fixture.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { INBOX_POLL_MS } from '../inbox/inbox-delivery.js';
import { postToInbox } from '../inbox/run-inbox.js';

/**
 * One process's view of a store shared by several (`processLocal` false, as for sqlite, redis, postgres),
 * counting every call by method and namespace (or lease name).
 */
function sharedView(store: MemoryStore): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const view = new Proxy(store, {
    get(target, property) {
      if (property === 'processLocal') return false;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        const first = args[0];
        const what = Array.isArray(first)
          ? [...new Set(first.map((entry: { namespace: string }) => entry.namespace))].join(',')
          : typeof first === 'string'
            ? first.split(':')[0]
            : String((first as { name?: string }).name).split(':')[0];
        calls.push(`${String(property)} ${what}`);
        return (value as (...given: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: view as unknown as Store, calls };
}

const steps = (count: number) => [
  ...Array.from({ length: count }, (_, index) => ({
    toolCalls: [{ tool: 'note', input: { value: `${index}` } }],
  })),
  'done',
];

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** The store calls of one run of `count` steps (one model call and one tool call each) on a shared store. */
async function callsOfRun(count: number, durable: boolean): Promise<string[]> {
  const shared = sharedView(new MemoryStore({ retention: false }));
  // A clock that stands still: the counts do not depend on how fast the machine runs the steps.
  const { runtime } = await configRuntime(
    steps(count),
    { durable },
    {
      tools: [note],
      store: shared.store,
      clock: { now: () => 1_700_000_000_000 },
    },
  );
  opened.push(runtime);
  shared.calls.length = 0;
  const result = await runtime.run({ agent: 'assistant', input: 'take notes' });
  expect(result.error?.message ?? result.status).toBe('completed');
  return shared.calls;
}

describe('store calls per step on a shared store', () => {
  it('a durable step with a side-effect-free tool writes one checkpoint (after the model response) and reads nothing', async () => {
    const short = await callsOfRun(5, true);
    const long = await callsOfRun(20, true);
    expect(long.length - short.length).toBe(15);
    // Per run: the run lease (taken), the running record, the final answer's checkpoint, the inbox (closed by
    // one conditional write; a run started here counts its start as a read, and its clock stands still) and
    // the final checkpoint, which holds the final record and gives the run lease up. The first checkpoint is
    // the first model response's: nothing is read before it.
    expect(short.length - 5).toBe(5);
    expect(short.filter((call) => !call.startsWith('setBatch checkpoints'))).toEqual([
      'acquireLease run',
      'setBatch runs,run-index',
      'setBatch events,checkpoints',
      'setBatchIf run-inbox',
      'setBatchIf events,checkpoints,runs,run-index',
    ]);
    expect(short.filter((call) => call.includes('runs'))).toEqual([
      'setBatch runs,run-index',
      'setBatchIf events,checkpoints,runs,run-index',
    ]);
    expect(short.filter((call) => call.includes('Lease') || call.includes('run-inbox'))).toEqual([
      'acquireLease run',
      'setBatchIf run-inbox',
    ]);
    expect(long.filter((call) => call.startsWith('get ')).length).toBe(
      short.filter((call) => call.startsWith('get ')).length,
    );
    expect(long.filter((call) => call.startsWith('set runs') || call.startsWith('set run-index'))).toEqual(
      [],
    );
  });

  it('a run that is not durable makes no store call per step', async () => {
    const short = await callsOfRun(5, false);
    const long = await callsOfRun(20, false);
    expect(long).toEqual(short);
    // Its inbox (closed by one conditional write), and its events with its record in one batch.
    expect(short).toEqual(['setBatchIf run-inbox', 'setBatch events,runs,run-index']);
    expect(short.at(-1)).toBe('setBatch events,runs,run-index');
  });
});

describe('store calls of a queued run on a shared store', () => {
  it('enqueue reads nothing for a new run id; the worker reads the record once before the lease and once after', async () => {
    const shared = sharedView(new MemoryStore({ retention: false }));
    const queue = new WatchedQueue();
    const { runtime } = await configRuntime(
      steps(2),
      { durable: true },
      { tools: [note], store: shared.store, queue, clock: { now: () => 1_700_000_000_000 } },
    );
    opened.push(runtime);
    // The first enqueue also starts the in-process worker, which looks for queued runs of earlier processes.
    await runtime.enqueue({ agent: 'assistant', input: 'take notes' });
    await queue.until((handled) => handled.length === 1);
    shared.calls.length = 0;
    const { runId } = await runtime.enqueue({ agent: 'assistant', input: 'take notes' });
    await queue.until((handled) => handled.length === 2);
    const calls = [...shared.calls];
    expect((await runtime.runs.get(runId))?.status).toBe('completed');
    const reads = calls.filter((call) => call.startsWith('get ') || call.startsWith('readLease'));
    // The queued record (with the limits it was enqueued with); then, under the lease, the record again (a
    // job delivered twice finds it taken) and the run's inbox (input may have been sent while it was queued).
    // The run's lease is not read before it is taken: a worker that holds it makes taking it fail.
    expect(reads).toEqual(['get runs', 'get runs', 'get run-inbox']);
    expect(calls.indexOf('get runs')).toBeGreaterThan(calls.indexOf('setBatch runs,run-index'));
  });
});

describe('input from another process into a run that loops fast', () => {
  it('is delivered once, before the run completes', async () => {
    const data = new MemoryStore({ retention: false });
    const here = sharedView(data);
    const other = sharedView(data);
    const held = gateTool();
    // The second call may or may not see the input yet; a run about to complete always reads its inbox.
    const script = [
      { toolCalls: [{ tool: 'hold', input: {} }] },
      { when: { input: 'metric' }, text: 'in metres' },
      { text: 'no input yet' },
      { text: 'in metres' },
    ];
    const { runtime } = await configRuntime(
      script,
      { durable: true },
      { tools: [held.tool], store: here.store },
    );
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'How tall is it?', runId: 'fast' });
    await held.inside;
    const seq = await postToInbox(
      other.store,
      'fast',
      { kind: 'input', text: 'Answer in metric units' },
      {
        owner: 'other-process',
        now: Date.now(),
      },
    );
    expect(seq).toBe(1);
    held.release();
    const result = await run;
    expect(result.output).toBe('in metres');
    const received = (await runtime.runs.events('fast')).filter(
      (event) => event.type === 'run.input_received',
    );
    expect(received.map((event) => event.data)).toEqual([{ seq: 1, text: 'Answer in metric units' }]);
  });

  it(`reaches the next model call once ${INBOX_POLL_MS} ms have passed since the run last read its inbox`, async () => {
    const data = new MemoryStore({ retention: false });
    const here = sharedView(data);
    const clock = { time: 1_700_000_000_000, now: () => clock.time };
    const held = gateTool();
    const script = [
      { toolCalls: [{ tool: 'hold', input: {} }] },
      { when: { input: 'metric' }, text: 'in metres' },
      { text: 'missed the input' },
    ];
    const { runtime, model } = await configRuntime(
      script,
      {},
      { tools: [held.tool], store: here.store, clock },
    );
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'How tall is it?', runId: 'timely' });
    await held.inside;
    await postToInbox(
      sharedView(data).store,
      'timely',
      { kind: 'input', text: 'Answer in metric units' },
      {
        owner: 'other-process',
        now: clock.time,
      },
    );
    clock.time += INBOX_POLL_MS;
    held.release();
    expect((await run).output).toBe('in metres');
    expect(model.calls).toHaveLength(2);
    // One read: at the boundary 50 ms on (the run's start counts as a read).
    expect(here.calls.filter((call) => call === 'get run-inbox')).toHaveLength(1);
  });

  it('input waiting behind an approved call reaches the model call after that call, however fast the call ran', async () => {
    const data = new MemoryStore({ retention: false });
    const here = sharedView(data);
    // A clock that stands still: the resumed run's inbox reads all happen "at once".
    const clock = { now: () => 1_700_000_000_000 };
    const send = recordingTool('send', { approval: 'always' });
    const script = [
      { toolCalls: [{ tool: 'send', input: { value: 'v' } }] },
      { when: { input: 'metric' }, text: 'in metres' },
      { text: 'missed the input' },
    ];
    const { runtime, model } = await configRuntime(
      script,
      { durable: true },
      { tools: [send.tool], store: here.store, clock },
    );
    opened.push(runtime);
    const first = await runtime.run({ agent: 'assistant', input: 'How tall is it?' });
    expect(first.status).toBe('suspended');
    await postToInbox(
      sharedView(data).store,
      first.runId,
      { kind: 'input', text: 'Answer in metric units' },
      { owner: 'other-process', now: clock.now() },
    );
    // The resumed run reads the input while the approved call's result is still due: it cannot take it
    // then, and must read it again once the call has run.
    const resumed = await runtime.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(resumed.output).toBe('in metres');
    expect(send.executed).toHaveLength(1);
    expect(model.calls).toHaveLength(2);
  });

  it('input sent through this process reaches the very next model call', async () => {
    const shared = sharedView(new MemoryStore({ retention: false }));
    const held = gateTool();
    const script = [
      { toolCalls: [{ tool: 'hold', input: {} }] },
      { when: { input: 'metric' }, text: 'in metres' },
      { text: 'missed the input' },
    ];
    const { runtime, model } = await configRuntime(script, {}, { tools: [held.tool], store: shared.store });
    opened.push(runtime);
    const run = runtime.run({ agent: 'assistant', input: 'How tall is it?', runId: 'near' });
    await held.inside;
    await runtime.send('near', 'Answer in metric units');
    held.release();
    expect((await run).output).toBe('in metres');
    expect(model.calls).toHaveLength(2);
  });
});
