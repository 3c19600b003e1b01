import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import type { ToolContext } from '../../contracts/tool.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { WatchedQueue } from '../__fixtures__/watched-queue.js';
import { createRuntime } from '../create-runtime.js';
import { runLeaseName } from '../durability/run-lease.js';

/** An in-memory queue that behaves like a shared one: `resume` with decisions goes through it. */
class SharedQueue extends WatchedQueue {
  override readonly inProcess: boolean = false;
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close({ mode: 'interrupt' })));
});

/** One "process": agent `worker` calls `send` (unsafe, asks for approval when `gated`) then answers. */
async function processOn(
  store: Store,
  queue: WatchedQueue,
  options: { gated?: boolean; hang?: boolean } = {},
): Promise<{ runtime: Runtime; sent: string[]; inside: Promise<void> }> {
  const sent: string[] = [];
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const send = defineTool({
    name: 'send',
    description: 'Sends a message',
    input: z.object({ to: z.string() }),
    sideEffects: 'none',
    ...(options.gated ? { approval: 'always' as const } : {}),
    execute: ({ to }, context: ToolContext) => {
      sent.push(to);
      entered();
      if (!options.hang) return 'sent';
      return new Promise<string>((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { worker: { model: 'demo', durable: true } } },
    models: {
      demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'done'] }),
    },
    tools: [send],
    store,
    queue,
    runLeaseTtlMs: 60_000,
  });
  opened.push(runtime);
  return { runtime, sent, inside };
}

describe('runtime.enqueue', () => {
  it('returns the run id at once and publishes run.queued; the local queue drives the run and the record names its worker', async () => {
    const store = new MemoryStore();
    const queue = new WatchedQueue();
    const { runtime, sent } = await processOn(store, queue);
    const events: AnyAgentryEvent[] = [];
    runtime.events.onAny((event) => {
      events.push(event);
    });
    const { runId } = await runtime.enqueue({ agent: 'worker', input: 'mail ada', priority: 3 });
    expect(events[0]).toMatchObject({
      type: 'run.queued',
      runId,
      seq: 0,
      data: { queue: 'local', priority: 3 },
    });
    const record = await queue.stopped(runtime, runId);
    expect(record).toMatchObject({ status: 'completed', output: 'done', durable: true });
    expect(typeof record.worker).toBe('string');
    expect(sent).toEqual(['ada']);
    const stored = await runtime.runs.events(runId);
    expect(stored[0]).toMatchObject({ type: 'run.started', data: { worker: record.worker } });
  });

  it('refuses an unknown agent, a bad runAt and a run id that exists', async () => {
    const { runtime } = await processOn(new MemoryStore(), new WatchedQueue());
    await expect(runtime.enqueue({ agent: 'nobody', input: 'x' })).rejects.toMatchObject({
      code: 'agent.not_found',
    });
    await expect(runtime.enqueue({ agent: 'worker', input: 'x', runAt: 'tomorrow' })).rejects.toMatchObject({
      code: 'run.request_invalid',
    });
    const { runId } = await runtime.enqueue({ agent: 'worker', input: 'x' });
    await expect(runtime.enqueue({ agent: 'worker', input: 'x', runId })).rejects.toMatchObject({
      code: 'run.request_invalid',
    });
  });

  it('a job delivered twice drives the run once', async () => {
    const store = new MemoryStore();
    const queue = new WatchedQueue();
    const a = await processOn(store, queue);
    const { runId } = await a.runtime.enqueue({ agent: 'worker', input: 'mail ada' });
    await queue.enqueue({ kind: 'start', runId, agentId: 'worker' });
    await queue.enqueue({ kind: 'takeover', runId, agentId: 'worker' });
    expect(await queue.stopped(a.runtime, runId)).toMatchObject({ status: 'completed' });
    // All three deliveries end done (one found the run active and came back later), and none failed.
    await queue.until(
      (handled) =>
        handled.filter((entry) => entry.outcome !== 'thrown' && entry.outcome.status === 'done').length === 3,
    );
    expect(queue.handled.filter((entry) => entry.outcome === 'thrown')).toEqual([]);
    expect(a.sent).toEqual(['ada']);
  });

  it('a start job whose run another worker has just taken (lease held, record still queued) waits for it', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const submitter = await processOn(store, queue);
    const { runId } = await submitter.runtime.enqueue({ agent: 'worker', input: 'mail ada' });
    const taken = await store.acquireLease(runLeaseName(runId), 'another-worker', 60_000);
    const worker = await processOn(store, queue);
    await worker.runtime.work({ concurrency: 1 });
    await queue.until((handled) => handled.length === 1);
    expect(queue.handled[0]?.outcome).toMatchObject({ status: 'deferred' });
    expect(await submitter.runtime.runs.get(runId)).toMatchObject({ status: 'queued' });
    expect(worker.sent).toEqual([]);
    await store.releaseLease(taken!);
    expect(await queue.stopped(worker.runtime, runId)).toMatchObject({ status: 'completed' });
    expect(queue.handled.filter((entry) => entry.outcome === 'thrown')).toEqual([]);
    expect(worker.sent).toEqual(['ada']);
  });
});

describe('decisions on a queued deployment', () => {
  it('resume with decisions hands the continuation to the queue; a worker process continues it', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const submitter = await processOn(store, queue, { gated: true });
    const worker = await processOn(store, queue, { gated: true });
    await worker.runtime.work({ concurrency: 2 });
    const { runId } = await submitter.runtime.enqueue({ agent: 'worker', input: 'mail ada' });
    const suspended = await queue.stopped(submitter.runtime, runId);
    expect(suspended).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    const result = await submitter.runtime.resume(runId, {
      decisions: { [suspended.pending[0]!.callId]: { approve: true } },
    });
    expect(result).toMatchObject({ status: 'completed', output: 'done' });
    expect(worker.sent).toEqual(['ada']);
    expect(submitter.sent).toEqual([]);
  });

  it('enqueueResume checks the decisions before anything is queued', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const worker = await processOn(store, queue, { gated: true });
    await worker.runtime.work();
    const { runId } = await worker.runtime.enqueue({ agent: 'worker', input: 'mail ada' });
    await queue.stopped(worker.runtime, runId);
    await expect(
      worker.runtime.enqueueResume(runId, { decisions: { 'no-such-call': { approve: true } } }),
    ).rejects.toMatchObject({ code: 'run.decision_invalid' });
    expect((await worker.runtime.runs.get(runId))?.status).toBe('suspended');
  });
});

describe('worker drain', () => {
  it('stop() interrupts the runs a worker drives and hands them to another worker at once', async () => {
    const store = new MemoryStore();
    const queue = new SharedQueue();
    const first = await processOn(store, queue, { hang: true });
    const worker = await first.runtime.work();
    const { runId } = await first.runtime.enqueue({ agent: 'worker', input: 'mail ada' });
    await first.inside;
    expect(worker.active()).toEqual([runId]);
    await worker.stop();
    const second = await processOn(store, queue);
    await second.runtime.work();
    // The 60 s run lease was released by the interrupt: the second worker continues at once.
    const record = await queue.stopped(second.runtime, runId);
    expect(record).toMatchObject({ status: 'completed', output: 'done' });
    expect(record.worker).not.toBe(worker.id);
    const types = (await second.runtime.runs.events(runId)).map((event) => event.type);
    expect(types).toContain('run.interrupted');
    expect(types.at(-1)).toBe('run.completed');
  });
});
