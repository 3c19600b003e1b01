import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';
import { INBOX_NAMESPACE } from '../inbox/run-inbox.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const script = [
  { toolCalls: [{ tool: 'hold', input: {} }] },
  { when: { input: 'second' }, text: 'answered the second input too' },
  { text: 'answered' },
];

/** A memory store that tells when something was first written to a run's inbox (input sent into the run). */
function inboxStore(): { store: Store; posted: Promise<void> } {
  let done!: () => void;
  const posted = new Promise<void>((resolve) => {
    done = resolve;
  });
  const store = new Proxy(new MemoryStore(), {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!String(property).startsWith('set')) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (args[0] === INBOX_NAMESPACE) done();
        return result;
      };
    },
  });
  return { store, posted };
}

/** A runtime whose first run in session `shared` holds its session until `release()`. */
async function busySession(agent: Record<string, unknown> = {}, store?: Store) {
  const held = gateTool();
  const { runtime, model } = await configRuntime(script, agent, {
    tools: [held.tool],
    ...(store ? { store } : {}),
  });
  opened.push(runtime);
  const first = runtime.run({ agent: 'assistant', input: 'first', sessionId: 'shared', runId: 'active' });
  await held.inside;
  return { runtime, model, held, first };
}

describe('session policies: a new request while its session has an active run', () => {
  it('reject: the new run fails with run.busy at once, whatever the agent says', async () => {
    const { runtime, held, first } = await busySession({ session: { onBusy: 'enqueue' } });
    const second = await runtime.run({
      agent: 'assistant',
      input: 'second',
      sessionId: 'shared',
      sessionPolicy: 'reject',
    });
    expect(second).toMatchObject({
      status: 'failed',
      error: { code: 'run.busy', context: { holderRunId: 'active' } },
    });
    expect(second.error?.message).toBe('Session "shared" already has an active run (active)');
    expect((await runtime.runs.get(second.runId))?.error?.context).toEqual({ holderRunId: 'active' });
    held.release();
    expect((await first).status).toBe('completed');
  });

  it('enqueue: the new run starts once the active one ended', async () => {
    const { runtime, held, first } = await busySession({ session: { onBusy: 'reject' } });
    const second = runtime.run({
      agent: 'assistant',
      input: 'x',
      sessionId: 'shared',
      sessionPolicy: 'enqueue',
    });
    held.release();
    expect((await first).status).toBe('completed');
    expect((await second).status).toBe('completed');
  });

  it('interrupt: the active run stops resumable, the new one runs', async () => {
    const { runtime, held, first } = await busySession({ durable: true, session: { onBusy: 'interrupt' } });
    const second = runtime.run({ agent: 'assistant', input: 'urgent', sessionId: 'shared' });
    expect((await first).status).toBe('interrupted');
    held.release();
    expect((await second).status).toBe('completed');
    expect((await runtime.runs.get('active'))?.status).toBe('interrupted');
  });

  it('steer: the input goes into the active run and the caller gets that run’s result', async () => {
    const inbox = inboxStore();
    const { runtime, model, held, first } = await busySession({ session: { onBusy: 'steer' } }, inbox.store);
    const steered = runtime.run({ agent: 'assistant', input: 'second thoughts', sessionId: 'shared' });
    await inbox.posted;
    // The post finishes in memory (its inbox lease given back, the local view updated) without I/O:
    // every promise step of it has run before the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    const [a, b] = await Promise.all([first, steered]);
    expect(a).toMatchObject({ runId: 'active', output: 'answered the second input too' });
    expect(b).toEqual(a);
    expect(model.calls.at(-1)?.messages.at(-1)).toEqual({ role: 'user', content: 'second thoughts' });
    expect((await runtime.runs.list({})).map((record) => record.runId)).toEqual(['active']);
  });
});
