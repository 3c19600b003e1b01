import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { gateTool } from '../__fixtures__/gate-tool.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const script = [
  { toolCalls: [{ tool: 'hold', input: {} }] },
  { when: { input: 'second' }, text: 'answered the second input too' },
  { text: 'answered' },
];

/** A runtime whose first run in session `shared` holds its session until `release()`. */
async function busySession(agent: Record<string, unknown> = {}) {
  const held = gateTool();
  const { runtime, model } = await configRuntime(script, agent, { tools: [held.tool] });
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
    const { runtime, model, held, first } = await busySession({ session: { onBusy: 'steer' } });
    const steered = runtime.run({ agent: 'assistant', input: 'second thoughts', sessionId: 'shared' });
    await waitForInbox(runtime);
    held.release();
    const [a, b] = await Promise.all([first, steered]);
    expect(a).toMatchObject({ runId: 'active', output: 'answered the second input too' });
    expect(b).toEqual(a);
    expect(model.calls.at(-1)?.messages.at(-1)).toEqual({ role: 'user', content: 'second thoughts' });
    expect((await runtime.runs.list({})).map((record) => record.runId)).toEqual(['active']);
  });
});

/** Until the steered input is in the active run's inbox (its seq 1 is taken: a second send gets 2). */
async function waitForInbox(runtime: Runtime): Promise<void> {
  for (;;) {
    const { store } = (runtime as unknown as { services: { store: Store } }).services;
    if (await store.get('run-inbox', 'active')) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
