import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import { ModelError, StoreError } from '../../errors/agentry-error.js';
import { defineTool } from '../../plugin/define-tool.js';
import { createRuntime } from '../create-runtime.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/**
 * The store as one "process" sees it: `kill()` makes every call fail like a
 * store the process can no longer reach (a dead or partitioned process), so
 * its run lease stops being renewed and expires.
 */
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

/** A runtime of a second "process": same store, same config, its own instances. */
async function processOn(
  store: Store,
  execute: (input: { to: string }) => Promise<string> | string,
  runLeaseTtlMs = 400,
) {
  const send = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: 'always',
    execute,
  });
  const runtime = await createRuntime({
    config: {
      version: 1,
      agents: { mailer: { model: 'demo', durable: true } },
    },
    models: {
      demo: new ScriptedModel({ script: [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'] }),
    },
    tools: [send],
    store,
    runLeaseTtlMs,
  });
  return runtime;
}

describe('durable runs', () => {
  it('an approval given in another process resumes the run there, and the call runs once', async () => {
    const store = new MemoryStore();
    const sentByA: string[] = [];
    const sentByB: string[] = [];
    // No process dies here: a lease TTL no scheduler delay on a loaded machine can outlast.
    const a = await processOn(
      store,
      ({ to }) => {
        sentByA.push(to);
        return 'ok';
      },
      15_000,
    );
    const first = await a.run({ agent: 'mailer', input: 'mail ada' });
    expect(first.status).toBe('suspended');
    const b = await processOn(
      store,
      ({ to }) => {
        sentByB.push(to);
        return 'ok';
      },
      15_000,
    );
    opened.push(b);
    const resumed = await b.resume(first.runId, {
      decisions: { [first.pending[0]!.callId]: { approve: true } },
    });
    expect(resumed.status).toBe('completed');
    expect(resumed.output).toBe('sent');
    expect(sentByA).toEqual([]);
    expect(sentByB).toEqual(['ada']);
    const events = await b.runs.events(first.runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.type).toBe('run.completed');
    await a.close();
  });

  it('never repeats an unsafe call whose outcome is unknown: it suspends for a decision', async () => {
    const store = new MemoryStore();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const attempts: string[] = [];
    const seenByA = reachable(store);
    const a = await processOn(seenByA.store, ({ to }) => {
      attempts.push(`a:${to}`);
      entered();
      return new Promise<string>(() => undefined);
    });
    const first = await a.run({ agent: 'mailer', input: 'mail ada' });
    const hung = a.resume(first.runId, { decisions: { [first.pending[0]!.callId]: { approve: true } } });
    await inside;

    const b = await processOn(store, ({ to }) => {
      attempts.push(`b:${to}`);
      return 'ok';
    });
    opened.push(b);
    // A is alive (it renews its run lease): B is refused and told who runs it.
    const refused = await b.resume(first.runId).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'run.not_resumable' });
    expect((refused as Error).message).toMatch(/is being executed by ".+"/);
    // A dies: its lease expires unrenewed and B takes the run over.
    seenByA.kill();
    const recovered = await b.resume(first.runId);
    expect(recovered.status).toBe('suspended');
    expect(recovered.stopReason).toBe('outcome_unknown');
    expect(recovered.pending).toMatchObject([
      { tool: 'send', reason: 'outcome_unknown', input: { to: 'ada' } },
    ]);
    const approval = await b
      .resume(first.runId, { decisions: { [recovered.pending[0]!.callId]: { approve: true } } })
      .catch((error: unknown) => error);
    expect((approval as { code?: string }).code).toBe('run.decision_invalid');
    const skipped = await b.resume(first.runId, {
      decisions: {
        [recovered.pending[0]!.callId]: { outcome: 'skip', result: 'delivered (checked by hand)' },
      },
    });
    expect(skipped.status).toBe('completed');
    expect(attempts).toEqual(['a:ada']);
    // A noticed it lost the run: it stopped without writing over B's result.
    expect(await hung).toMatchObject({ status: 'failed', error: { code: 'run.not_resumable' } });
    expect((await b.runs.get(first.runId))?.status).toBe('completed');
    await a.close();
  });
});

describe('automatic resume', () => {
  function flakyModel(failures: number) {
    const inner = new ScriptedModel({
      script: [{ toolCalls: [{ tool: 'note', input: { value: 'x' } }] }, 'recovered'],
    });
    let left = failures;
    const model: Model = {
      kind: 'model',
      specVersion: 1,
      provider: 'flaky',
      modelId: 'flaky',
      generate: async (request) => {
        if (request.callIndex === 1 && left > 0) {
          left -= 1;
          throw new ModelError('model.rate_limited', { message: 'slow down', retryAfterMs: 1 });
        }
        return inner.generate(request);
      },
    };
    return model;
  }

  async function flakyRuntime(failures: number, maxResumeAttempts: number) {
    const noted: string[] = [];
    const note = defineTool({
      name: 'note',
      description: 'Notes',
      input: z.object({ value: z.string() }),
      sideEffects: 'unsafe',
      execute: ({ value }) => {
        noted.push(value);
        return 'ok';
      },
    });
    const runtime = await createRuntime({
      config: { version: 1, agents: { flaky: { model: 'm', durable: true, maxResumeAttempts } } },
      models: { m: flakyModel(failures) },
      tools: [note],
    });
    opened.push(runtime);
    return { runtime, noted };
  }

  it('resumes a durable run from its checkpoint after a retryable model error, without repeating the tool', async () => {
    const { runtime, noted } = await flakyRuntime(1, 2);
    const result = await runtime.run({ agent: 'flaky', input: 'go' });
    expect(result.status).toBe('completed');
    expect(result.output).toBe('recovered');
    expect(noted).toEqual(['x']);
    const events = await runtime.runs.events(result.runId);
    expect(events.find((event) => event.type === 'run.resumed')?.data).toMatchObject({
      attempt: 1,
      reason: 'retry',
    });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it('gives up after maxResumeAttempts with the retryable error', async () => {
    const { runtime } = await flakyRuntime(5, 1);
    const result = await runtime.run({ agent: 'flaky', input: 'go' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'model.rate_limited', retryable: true });
  });
});

describe('decisions on a call whose outcome is unknown', () => {
  /** A run whose `send` call was in flight in a process that died: B recovers it as outcome_unknown. */
  async function unknownOutcome() {
    const store = new MemoryStore();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const attempts: string[] = [];
    const seenByA = reachable(store);
    const a = await processOn(seenByA.store, ({ to }) => {
      attempts.push(`a:${to}`);
      entered();
      return new Promise<string>(() => undefined);
    });
    const first = await a.run({ agent: 'mailer', input: 'mail ada' });
    const hung = a.resume(first.runId, { decisions: { [first.pending[0]!.callId]: { approve: true } } });
    await inside;
    seenByA.kill();
    const b = await processOn(store, ({ to }) => {
      attempts.push(`b:${to}`);
      return 'ok';
    });
    opened.push(b, a);
    const recovered = await b.resume(first.runId);
    expect(recovered.stopReason).toBe('outcome_unknown');
    void hung.catch(() => undefined);
    return { b, runId: first.runId, callId: recovered.pending[0]!.callId, attempts, hung };
  }

  it('retry runs the call again', async () => {
    const { b, runId, callId, attempts, hung } = await unknownOutcome();
    const done = await b.resume(runId, { decisions: { [callId]: { outcome: 'retry' } } });
    expect(done.status).toBe('completed');
    expect(attempts).toEqual(['a:ada', 'b:ada']);
    await hung;
  });

  it('fail without a reason fails the run saying which call, and how to go on', async () => {
    const { b, runId, callId, attempts, hung } = await unknownOutcome();
    const done = await b.resume(runId, { decisions: { [callId]: { outcome: 'fail' } } });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'tool.outcome_unknown',
      message: `The outcome of "send" (${callId}) is unknown and the run was failed`,
      hint: 'Check what the call did, then start a new run.',
    });
    expect(attempts).toEqual(['a:ada']);
    await hung;
  });

  it('fail fails the run with the reason given, saying which call, without running the call', async () => {
    const { b, runId, callId, attempts, hung } = await unknownOutcome();
    const done = await b.resume(runId, {
      decisions: { [callId]: { outcome: 'fail', reason: 'sent twice before' } },
    });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'tool.outcome_unknown',
      message: `The outcome of "send" (${callId}) is unknown and the run was failed: sent twice before`,
    });
    expect(attempts).toEqual(['a:ada']);
    await hung;
  });
});
