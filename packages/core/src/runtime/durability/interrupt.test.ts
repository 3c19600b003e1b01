import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import type { ToolContext } from '../../contracts/tool.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** What one "process" saw its tool do. */
interface ToolLog {
  calls: string[];
  aborted: string[];
}

/**
 * A runtime of one process over `store`: agent `worker` calls `step` twice (sideEffects as given);
 * `hang` makes the tool wait for its abort signal, so a run can be caught with a call in flight.
 */
async function processOn(
  store: Store,
  options: { hang: boolean; sideEffects?: 'none' | 'unsafe'; durable?: boolean },
): Promise<{ runtime: Runtime; log: ToolLog; inside: Promise<void> }> {
  const log: ToolLog = { calls: [], aborted: [] };
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const step = defineTool({
    name: 'step',
    description: 'One step of work',
    input: z.object({ n: z.number() }),
    sideEffects: options.sideEffects ?? 'none',
    execute: ({ n }, context: ToolContext) => {
      log.calls.push(`step ${n}`);
      if (!options.hang || n !== 2) return `did ${n}`;
      entered();
      return new Promise<string>((_resolve, reject) => {
        context.signal.addEventListener('abort', () => {
          log.aborted.push(`step ${n}`);
          reject(new Error('aborted'));
        });
      });
    },
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { worker: { model: 'demo', durable: options.durable ?? true } } },
    models: {
      demo: new ScriptedModel({
        script: [
          { toolCalls: [{ tool: 'step', input: { n: 1 } }] },
          { toolCalls: [{ tool: 'step', input: { n: 2 } }] },
          'all done',
        ],
      }),
    },
    tools: [step],
    store,
    // Long enough that a test would time out waiting for an unreleased lease.
    runLeaseTtlMs: 60_000,
  });
  opened.push(runtime);
  return { runtime, log, inside };
}

describe('runtime.interrupt', () => {
  it('stops a durable run with a call in flight: the tool is aborted, the run ends interrupted, its lease is free and another process finishes it', async () => {
    const store = new MemoryStore();
    const a = await processOn(store, { hang: true });
    const events: AnyAgentryEvent[] = [];
    a.runtime.events.onAny((event) => {
      events.push(event);
    });
    const running = a.runtime.run({ agent: 'worker', input: 'go', runId: 'run-i1' });
    await a.inside;
    await a.runtime.interrupt('run-i1', 'SIGTERM');
    const result = await running;
    expect(result).toMatchObject({ status: 'interrupted', stopReason: 'interrupted', output: '' });
    expect(a.log).toEqual({ calls: ['step 1', 'step 2'], aborted: ['step 2'] });
    expect(events.at(-1)).toMatchObject({ type: 'run.interrupted', data: { reason: 'SIGTERM' } });
    expect(await a.runtime.runs.get('run-i1')).toMatchObject({
      status: 'interrupted',
      stopReason: 'interrupted',
    });

    // The lease was released: another process resumes at once (a held 60 s lease would make it wait).
    const b = await processOn(store, { hang: false });
    const resumed = await b.runtime.resume('run-i1');
    expect(resumed).toMatchObject({ status: 'completed', output: 'all done' });
    // The completed call is not repeated; the interrupted one (no side effects) runs again.
    expect(b.log.calls).toEqual(['step 2']);
    const stored = await b.runtime.runs.events('run-i1');
    expect(stored.map((event) => event.type)).toContain('run.interrupted');
    expect(stored.find((event) => event.type === 'run.resumed')).toMatchObject({
      data: { reason: 'recovery' },
    });
  });

  it('an unsafe call cut off by the interrupt is not run again: the resume suspends for a decision', async () => {
    const store = new MemoryStore();
    const a = await processOn(store, { hang: true, sideEffects: 'unsafe' });
    const running = a.runtime.run({ agent: 'worker', input: 'go', runId: 'run-i2' });
    await a.inside;
    await a.runtime.interrupt('run-i2');
    expect((await running).status).toBe('interrupted');
    const b = await processOn(store, { hang: false, sideEffects: 'unsafe' });
    const resumed = await b.runtime.resume('run-i2');
    expect(resumed).toMatchObject({ status: 'suspended', stopReason: 'outcome_unknown' });
    expect(resumed.pending).toMatchObject([{ tool: 'step', input: { n: 2 }, reason: 'outcome_unknown' }]);
    expect(b.log.calls).toEqual([]);
  });

  it('cancel stays terminal: a cancelled durable run cannot be resumed', async () => {
    const store = new MemoryStore();
    const a = await processOn(store, { hang: true });
    const running = a.runtime.run({ agent: 'worker', input: 'go', runId: 'run-c1' });
    await a.inside;
    await a.runtime.cancel('run-c1');
    expect((await running).status).toBe('cancelled');
    const b = await processOn(store, { hang: false });
    await expect(b.runtime.resume('run-c1')).rejects.toMatchObject({ code: 'run.not_resumable' });
  });

  it('a run that is not durable is cancelled by interrupt (nothing could resume it)', async () => {
    const a = await processOn(new MemoryStore(), { hang: true, durable: false });
    const running = a.runtime.run({ agent: 'worker', input: 'go', runId: 'run-n1' });
    await a.inside;
    await a.runtime.interrupt('run-n1');
    expect(await running).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
  });

  it('close({ mode: "interrupt" }) interrupts every active run; the default close waits for them', async () => {
    const store = new MemoryStore();
    const a = await processOn(store, { hang: true });
    const running = a.runtime.run({ agent: 'worker', input: 'go', runId: 'run-x1' });
    await a.inside;
    await a.runtime.close({ mode: 'interrupt' });
    expect((await running).status).toBe('interrupted');
    await expect(a.runtime.run({ agent: 'worker', input: 'again' })).rejects.toMatchObject({
      code: 'runtime.closed',
    });

    const b = await processOn(new MemoryStore(), { hang: false });
    const drained = b.runtime.run({ agent: 'worker', input: 'go', runId: 'run-x2' });
    await b.runtime.close();
    expect((await drained).status).toBe('completed');
  });

  it('interrupting an unknown run does nothing', async () => {
    const a = await processOn(new MemoryStore(), { hang: false });
    await expect(a.runtime.interrupt('no-such-run')).resolves.toBeUndefined();
  });
});
