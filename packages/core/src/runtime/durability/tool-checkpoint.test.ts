import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { StoreError } from '../../errors/agentry-error.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** The store as one process sees it; `kill()` makes it unreachable, as for a process that died. */
function reachable(store: Store): { store: Store; kill: () => void } {
  let dead = false;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (dead && property !== 'close') {
          return Promise.reject(new StoreError('store.unavailable', { message: 'gone', hint: 'none' }));
        }
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, kill: () => (dead = true) };
}

/**
 * A model that asks for one `send` call, then answers. `beforeAnswer` runs when the
 * answer is asked for (after the tool's result is in the conversation).
 */
function mailModel(beforeAnswer: () => Promise<void> | void): Model {
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'test',
    modelId: 'mail',
    generate: async (request) => {
      if (request.callIndex === 0) {
        return {
          text: '',
          toolCalls: [{ id: 'c1', name: 'send', input: { to: 'ada' } }],
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          finishReason: 'tool-calls',
        };
      }
      await beforeAnswer();
      return {
        text: 'sent',
        toolCalls: [],
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        finishReason: 'stop',
      };
    },
  };
}

async function processOn(store: Store, model: Model, sent: string[], who: string): Promise<Runtime> {
  const send = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    execute: ({ to }) => {
      sent.push(`${who}:${to}`);
      return `sent to ${to}`;
    },
  });
  const runtime = await createRuntime({
    config: { version: 1, agents: { mailer: { model: 'm', durable: true } } },
    models: { m: model },
    tools: [send],
    store,
    runLeaseTtlMs: 400,
  });
  opened.push(runtime);
  return runtime;
}

describe('the tool.finished checkpoint', () => {
  it('a tool that finished is checkpointed: a process that dies right after does not make the next one run it again', async () => {
    const store = new MemoryStore();
    const sent: string[] = [];
    const seenByA = reachable(store);
    let dying!: () => void;
    const died = new Promise<void>((resolve) => {
      dying = resolve;
    });
    // Process A: the tool runs, then A dies while waiting for the model's next answer.
    const a = await processOn(
      seenByA.store,
      mailModel(() => {
        seenByA.kill();
        dying();
        return new Promise<void>(() => undefined);
      }),
      sent,
      'a',
    );
    const hung = a.run({ agent: 'mailer', input: 'mail ada', runId: 'mail-1' });
    void hung.catch(() => undefined);
    await died;

    // Process B resumes the run once A's lease is gone: the recorded result is replayed, not re-sent.
    const b = await processOn(
      store,
      mailModel(() => undefined),
      sent,
      'b',
    );
    const resumed = await b.resume('mail-1');
    expect(resumed).toMatchObject({ status: 'completed', output: 'sent' });
    expect(sent).toEqual(['a:ada']);
    const events = await b.runs.events('mail-1');
    // The call started once (in A); B only replayed its recorded result.
    expect(events.filter((event) => event.type === 'tool.started')).toHaveLength(1);
  });
});
