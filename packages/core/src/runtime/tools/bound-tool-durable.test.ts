import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { ToolCallRequest } from '../../contracts/message.js';
import type { Model, ModelRequest } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import type { Tool } from '../../contracts/tool.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { StoreError } from '../../errors/agentry-error.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';
import { StoreCheckpointer } from '../durability/checkpointer.js';
import { childRunnerOf } from './child-runs.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

/** Asks for the calls of each turn in order, then answers `done`; `before(callIndex)` runs first on every call. */
function turnsModel(
  turns: ToolCallRequest[][],
  before?: (request: ModelRequest) => Promise<void> | void,
): Model {
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'test',
    modelId: 'turns',
    generate: async (request) => {
      await before?.(request);
      const calls = turns[request.callIndex];
      return calls === undefined
        ? { text: 'done', toolCalls: [], usage, finishReason: 'stop' }
        : { text: '', toolCalls: calls, usage, finishReason: 'tool-calls' };
    },
  };
}

/**
 * A shared store whose lease clock the test moves, and "processes" on it: `kill()` makes a process's store
 * unreachable (it died), and `expireLeases()` lets the next process take its runs over at once.
 */
function cluster() {
  let now = Date.now();
  const store = new MemoryStore({ clock: { now: () => now } });
  return {
    store,
    expireLeases: () => {
      now += 60_000;
    },
    checkpoint: (runId: string) => new StoreCheckpointer({ store, runtimeVersion: 'test' }).head(runId),
    /**
     * A process that is going to die gets a short run lease (`dies: true`): its hung run notices the loss and
     * ends soon after, so closing it does not wait out a 15 s lease.
     */
    process: async (model: Model, tools: Tool[], options: { dies?: boolean; agents?: object } = {}) => {
      let dead = false;
      let failWrites = 0;
      const seen: Store = new Proxy(store, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const failOnce = failWrites > 0 && String(property).startsWith('set');
            if (failOnce) failWrites -= 1;
            return (dead && property !== 'close') || failOnce
              ? Promise.reject(new StoreError('store.unavailable', { message: 'gone', hint: 'none' }))
              : value.apply(target, args);
          };
        },
      });
      const runtime = await createRuntime({
        config: {
          version: 1,
          agents: {
            assistant: {
              model: 'm',
              durable: true,
              pattern: { type: 'tool-loop', config: { maxConcurrentTools: 1 } },
            },
            ...options.agents,
          },
        },
        models: { m: model },
        tools,
        store: seen,
        ...(options.dies ? { runLeaseTtlMs: 400 } : {}),
      });
      opened.push(runtime);
      const events: AnyAgentryEvent[] = [];
      runtime.events.onAny((event) => {
        events.push(event);
      });
      return {
        runtime,
        events,
        kill: () => (dead = true),
        /** The process's next `count` store writes fail (a store hiccup). */
        failWrites: (count: number) => {
          failWrites = count;
        },
      };
    },
  };
}

/** A promise that never settles: the tool (or model call) of a process that died in it. */
const forever = <T>() => new Promise<T>(() => undefined);

/**
 * An unsafe `send` tool; each call is recorded in `sent` as `<who>:<to>` and runs `onCall` first. While
 * `who` is `a`, a call never returns: process A dies in it (`died` resolves).
 */
function mailer(approval: Tool['approval'] = 'never') {
  const state = { who: 'a', onCall: (): void => undefined };
  const sent: string[] = [];
  let dying!: () => void;
  const died = new Promise<void>((resolve) => {
    dying = resolve;
  });
  const tool = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval,
    execute: ({ to }) => {
      sent.push(`${state.who}:${to}`);
      state.onCall();
      if (state.who !== 'a') return `sent to ${to}`;
      dying();
      return forever<string>();
    },
  });
  return { tool, sent, died, state };
}

describe('the checkpoint of a durable run around its tool calls', () => {
  it('says tool.started while a call with side effects runs, and tool.finished once its result is in', async () => {
    const nodes = cluster();
    const reasons: (string | undefined)[] = [];
    const runId = 'ckpt-reasons';
    const sent: string[] = [];
    const send = defineTool({
      name: 'send',
      description: 'Sends',
      input: z.object({ to: z.string() }),
      sideEffects: 'unsafe',
      execute: async ({ to }) => {
        reasons.push((await nodes.checkpoint(runId))?.reason);
        sent.push(to);
        return 'ok';
      },
    });
    const model = turnsModel([[{ id: 'c1', name: 'send', input: { to: 'ada' } }]], async (request) => {
      if (request.callIndex === 1) reasons.push((await nodes.checkpoint(runId))?.reason);
    });
    const { runtime } = await nodes.process(model, [send]);
    expect((await runtime.run({ agent: 'assistant', input: 'x', runId })).status).toBe('completed');
    expect(sent).toEqual(['ada']);
    expect(reasons).toEqual(['tool.started', 'tool.finished']);
  });

  it('holds the result of a call that never ran (unknown tool) before the model is asked again', async () => {
    const nodes = cluster();
    const runId = 'ckpt-refused';
    let head: Awaited<ReturnType<typeof nodes.checkpoint>>;
    const model = turnsModel([[{ id: 'u', name: 'nope', input: {} }]], async (request) => {
      if (request.callIndex === 1) head = await nodes.checkpoint(runId);
    });
    const { runtime } = await nodes.process(model, [mailer().tool]);
    expect((await runtime.run({ agent: 'assistant', input: 'x', runId })).status).toBe('completed');
    expect(head).toMatchObject({ step: 1, reason: 'tool.finished' });
    const ledger = Object.values((head!.snapshot as { ledger: Record<string, unknown> }).ledger);
    expect(ledger).toEqual([
      expect.objectContaining({ tool: 'nope', status: 'failed', sideEffects: 'none' }),
    ]);
  });

  it('a process that dies during the second call of a turn: the next one does not run the first call again', async () => {
    const nodes = cluster();
    const charged: string[] = [];
    let who = 'a';
    let dying!: () => void;
    const died = new Promise<void>((resolve) => {
      dying = resolve;
    });
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card (same key, same charge)',
      input: z.object({ cents: z.number() }),
      sideEffects: 'idempotent',
      execute: ({ cents }) => {
        charged.push(`${who}:${cents}`);
        return 'charged';
      },
    });
    let killA!: () => void;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Reads the receipt',
      input: z.object({}),
      sideEffects: 'none',
      execute: () => {
        if (who !== 'a') return 'receipt';
        killA();
        dying();
        return forever<string>();
      },
    });
    const turns = [
      [
        { id: 'c1', name: 'charge', input: { cents: 500 } },
        { id: 'c2', name: 'lookup', input: {} },
      ],
    ];
    const a = await nodes.process(turnsModel(turns), [charge, lookup], { dies: true });
    killA = a.kill;
    void a.runtime.run({ agent: 'assistant', input: 'pay', runId: 'pay-1' }).catch(() => undefined);
    await died;
    nodes.expireLeases();
    who = 'b';
    const b = await nodes.process(turnsModel(turns), [charge, lookup]);
    expect(await b.runtime.resume('pay-1')).toMatchObject({ status: 'completed', output: 'done' });
    expect(charged).toEqual(['a:500']);
  });
});

describe('decisions and refusals in a durable run', () => {
  it('a retry decision is used once: when the retried call cannot be checkpointed, the automatic resume asks again', async () => {
    const nodes = cluster();
    const send = mailer();
    const turns = [[{ id: 'c1', name: 'send', input: { to: 'ada' } }]];
    const a = await nodes.process(turnsModel(turns), [send.tool], { dies: true });
    send.state.onCall = a.kill;
    void a.runtime.run({ agent: 'assistant', input: 'mail', runId: 'mail-r' }).catch(() => undefined);
    await send.died;
    nodes.expireLeases();

    send.state.who = 'b';
    const b = await nodes.process(turnsModel(turns), [send.tool]);
    const unknown = await b.runtime.resume('mail-r');
    expect(unknown).toMatchObject({ status: 'suspended', stopReason: 'outcome_unknown' });
    // The retried call runs, then the save of its result and that of the run's failure fail: the run
    // resumes from the checkpoint taken before the call, where the call's outcome is unknown again.
    send.state.onCall = () => b.failWrites(2);
    const again = await b.runtime.resume('mail-r', {
      decisions: { [unknown.pending[0]!.callId]: { outcome: 'retry' } },
    });
    expect(again).toMatchObject({ status: 'suspended', stopReason: 'outcome_unknown' });
    expect(send.sent).toEqual(['a:ada', 'b:ada']);
  });

  it('a call the user denied is not asked about again when the process dies during the next call of the turn', async () => {
    const nodes = cluster();
    const send = mailer('always');
    const turns = [
      [
        { id: 's1', name: 'send', input: { to: 'ada' } },
        { id: 's2', name: 'send', input: { to: 'bob' } },
      ],
    ];
    const a = await nodes.process(turnsModel(turns), [send.tool], { dies: true });
    send.state.onCall = a.kill;
    const asked = await a.runtime.run({ agent: 'assistant', input: 'mail', runId: 'deny-1' });
    const [ada, bob] = asked.pending;
    void a.runtime
      .resume('deny-1', {
        decisions: { [ada!.callId]: { approve: false }, [bob!.callId]: { approve: true } },
      })
      .catch(() => undefined);
    await send.died;
    nodes.expireLeases();

    send.state.who = 'b';
    const b = await nodes.process(turnsModel(turns), [send.tool]);
    const recovered = await b.runtime.resume('deny-1');
    // Only the call that was in flight needs a decision; the denial stands.
    expect(recovered.pending).toMatchObject([{ callId: bob!.callId, reason: 'outcome_unknown' }]);
    expect(send.sent).toEqual(['a:bob']);
  });
});

describe('aborts and child runs', () => {
  it('a run cancelled while a synchronous tool runs reports no result for that call', async () => {
    const controller = new AbortController();
    const nodes = cluster();
    const stop = defineTool({
      name: 'stop',
      description: 'The user cancels while it runs',
      input: z.object({}),
      sideEffects: 'none',
      execute: () => {
        controller.abort();
        return 'finished anyway';
      },
    });
    const { runtime, events } = await nodes.process(turnsModel([[{ id: 'c1', name: 'stop', input: {} }]]), [
      stop,
    ]);
    const result = await runtime.run({ agent: 'assistant', input: 'x', signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(events.map((event) => event.type)).not.toContain('tool.succeeded');
  });

  it("a call whose child run waits for an approval resumes that child with the parent's decision", async () => {
    const nodes = cluster();
    const send = mailer('always');
    send.state.who = 'worker';
    let runtime: Runtime | undefined;
    const delegate = defineTool({
      name: 'delegate',
      description: 'Has the worker send the message',
      input: z.object({ to: z.string() }),
      sideEffects: 'unsafe',
      execute: async ({ to }, context) => {
        const child = await childRunnerOf(runtime!).run({ agent: 'worker', input: to }, context);
        if (child.status !== 'completed') throw new Error(`the worker's run is ${child.status}`);
        return child.output;
      },
    });
    const model: Model = {
      ...turnsModel([]),
      generate: async (request) => {
        const worker = request.messages.some(
          (message) => message.role === 'user' && message.content === 'ada',
        );
        const turns = worker
          ? [[{ id: 'w1', name: 'send', input: { to: 'ada' } }]]
          : [[{ id: 'd1', name: 'delegate', input: { to: 'ada' } }]];
        return turnsModel(turns).generate(request);
      },
    };
    const node = await nodes.process(model, [delegate, send.tool], {
      agents: { worker: { model: 'm', durable: true } },
    });
    runtime = node.runtime;
    const first = await runtime.run({ agent: 'assistant', input: 'mail ada', runId: 'lead' });
    expect(first).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    expect(first.pending).toMatchObject([{ tool: 'send', input: { to: 'ada' } }]);
    const done = await runtime.resume('lead', {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(done).toMatchObject({ status: 'completed', output: 'done' });
    expect(send.sent).toEqual(['worker:ada']);
    expect(
      node.events.filter((event) => event.type === 'tool.succeeded').map((event) => event.data),
    ).toContainEqual(expect.objectContaining({ tool: 'delegate', output: 'done' }));
  });
});
