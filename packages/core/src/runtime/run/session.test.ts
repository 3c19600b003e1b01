import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Memory } from '../../contracts/memory.js';
import type { Message } from '../../contracts/message.js';
import type { Runtime } from '../../contracts/runtime.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { scriptedRuntime } from '../__fixtures__/runtime-fixture.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A tool that blocks until `release()` is called, so a run stays active. */
function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const tool = defineTool({
    name: 'hold',
    description: 'Holds the run until released',
    input: z.object({}),
    sideEffects: 'none',
    execute: async () => {
      entered();
      await released;
      return 'released';
    },
  });
  return { tool, release, inside };
}

const holdScript = [{ toolCalls: [{ tool: 'hold', input: {} }] }, { text: 'done' }];

describe('one active run per session', () => {
  it('fails a second run on the same session with run.busy when onBusy is fail', async () => {
    const held = gate();
    const { runtime } = await configRuntime(
      holdScript,
      { session: { onBusy: 'fail' } },
      { tools: [held.tool] },
    );
    opened.push(runtime);
    const first = runtime.run({ agent: 'assistant', input: 'one', sessionId: 'shared', runId: 'holder' });
    await held.inside;
    expect(await runtime.runs.get('holder')).toMatchObject({ status: 'running', sessionId: 'shared' });
    expect((await runtime.runs.list({ status: 'running' })).map((record) => record.runId)).toEqual([
      'holder',
    ]);
    const second = await runtime.run({ agent: 'assistant', input: 'two', sessionId: 'shared' });
    expect(second.status).toBe('failed');
    expect(second.error?.code).toBe('run.busy');
    expect(second.error?.retryable).toBe(true);
    const other = runtime.run({ agent: 'assistant', input: 'three', sessionId: 'elsewhere' });
    held.release();
    expect((await first).status).toBe('completed');
    expect((await other).status).toBe('completed');
    expect(await runtime.runs.get('holder')).toMatchObject({ status: 'completed' });
  });

  it('makes a second run wait for the session when onBusy is wait, then run', async () => {
    const held = gate();
    // The store says when the second run found the session busy (and so is waiting for it).
    const store = new MemoryStore();
    const acquire = store.acquireLease.bind(store);
    let foundBusy!: () => void;
    const waiting = new Promise<void>((resolve) => {
      foundBusy = resolve;
    });
    store.acquireLease = async (name, owner, ttlMs) => {
      const lease = await acquire(name, owner, ttlMs);
      if (name === 'session:shared' && lease === undefined) foundBusy();
      return lease;
    };
    const { runtime } = await configRuntime(
      holdScript,
      { session: { onBusy: 'wait', waitMs: 10_000 } },
      { tools: [held.tool], store },
    );
    opened.push(runtime);
    const order: string[] = [];
    const first = runtime.run({ agent: 'assistant', input: 'one', sessionId: 'shared' }).then((result) => {
      order.push('first');
      return result;
    });
    await held.inside;
    const second = runtime.run({ agent: 'assistant', input: 'two', sessionId: 'shared' }).then((result) => {
      order.push('second');
      return result;
    });
    await waiting;
    expect(order).toEqual([]);
    held.release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(order).toEqual(['first', 'second']);
  });

  it('gives the memory the earlier turns of the session and writes back once per run', async () => {
    const seenHistory: (readonly Message[])[] = [];
    const written: (readonly Message[])[] = [];
    const memory: Memory = {
      kind: 'memory',
      specVersion: 1,
      name: 'probe',
      inject: async ({ history }) => {
        seenHistory.push(history);
        return { messages: [{ role: 'user', content: `remembered ${history.length}` }] };
      },
      writeback: async ({ messages }) => {
        written.push(messages);
      },
    };
    const { runtime, model } = scriptedRuntime(['first answer', 'second answer'], { memory });
    opened.push(runtime);
    await runtime.run({ agent: 'assistant', input: 'one', sessionId: 's' });
    const firstRequest = model.calls[0]!.messages;
    expect(firstRequest).toContainEqual({ role: 'user', content: 'remembered 0' });
    expect(written).toHaveLength(1);
    expect(written[0]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'first answer' },
    ]);
    await runtime.run({ agent: 'assistant', input: 'two', sessionId: 's' });
    expect(seenHistory[1]).toEqual(written[0]);
    expect(written).toHaveLength(2);
  });

  it('reports a failing memory as memory.failed and continues, or fails the run when onError is fail', async () => {
    const failing = (onError: 'continue' | 'fail'): Memory => ({
      kind: 'memory',
      specVersion: 1,
      name: 'broken',
      onError,
      inject: async () => {
        throw new Error('memory backend down');
      },
      writeback: async () => undefined,
    });
    const tolerant = scriptedRuntime(['fine'], { memory: failing('continue') });
    opened.push(tolerant.runtime);
    const kept = await tolerant.runtime.run({ agent: 'assistant', input: 'x' });
    expect(kept.status).toBe('completed');
    const events = await tolerant.runtime.runs.events(kept.runId);
    expect(events.find((event) => event.type === 'memory.failed')?.data).toMatchObject({
      memory: 'broken',
      phase: 'inject',
      error: { message: 'memory backend down' },
    });
    const strict = scriptedRuntime(['fine'], { memory: failing('fail') });
    opened.push(strict.runtime);
    const failed = await strict.runtime.run({ agent: 'assistant', input: 'x' });
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe('memory backend down');
  });
});
