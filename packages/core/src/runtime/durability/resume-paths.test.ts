/** Resume paths of durable runs: racing resumes, runs stopped before their first checkpoint, failed runs, retry waits, cancel. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonValue } from '../../contracts/json.js';
import type { Model } from '../../contracts/model.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { ScriptedModel } from '../../defaults/scripted-model.js';
import type { ScriptItem } from '../../defaults/scripted-model-script.js';
import { ModelError, StoreError } from '../../errors/agentry-error.js';
import { defineTool } from '../../plugin/define-tool.js';
import { resolveAgent } from '../agent/agent-setup.js';
import { createRuntime } from '../create-runtime.js';
import { RunRecords } from '../records/run-records.js';
import { freshSnapshot } from '../state/fresh-snapshot.js';
import { FlakyStore } from './__fixtures__/flaky-store.js';
import { CHECKPOINT_NAMESPACE } from './envelope.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** A model that throws `failure` on the calls listed in `failOn` (by call index), else plays `script`. */
function failingModel(script: ScriptItem[], failOn: Map<number, number>, failure: () => Error): Model {
  const inner = new ScriptedModel({ script });
  return {
    kind: 'model',
    specVersion: 1,
    provider: 'failing',
    modelId: 'failing',
    generate: async (request) => {
      const left = failOn.get(request.callIndex) ?? 0;
      if (left > 0) {
        failOn.set(request.callIndex, left - 1);
        throw failure();
      }
      return inner.generate(request);
    },
  };
}

/** One "process": a runtime on `store` with agent `worker` (durable) and a recording `send` tool. */
async function processOn(
  store: Store,
  options: {
    model?: Model;
    script?: ScriptItem[];
    execute?: (to: string) => Promise<string> | string;
    approval?: 'always' | 'never';
    maxResumeAttempts?: number;
  } = {},
) {
  const sent: string[] = [];
  const send = defineTool({
    name: 'send',
    description: 'Sends a message (not safe to repeat)',
    input: z.object({ to: z.string() }),
    sideEffects: 'unsafe',
    approval: options.approval ?? 'never',
    execute: ({ to }) => {
      sent.push(to);
      return options.execute ? options.execute(to) : 'ok';
    },
  });
  const script = options.script ?? [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'];
  const runtime = await createRuntime({
    config: {
      version: 1,
      agents: {
        worker: { model: 'm', durable: true, maxResumeAttempts: options.maxResumeAttempts ?? 0 },
      },
    },
    models: { m: options.model ?? new ScriptedModel({ script }) },
    tools: [send],
    store,
    // No process dies in these tests: a TTL that a loaded machine's delayed renewals cannot outlast (the
    // refused racer below watches the held lease for two TTLs before it gives up).
    runLeaseTtlMs: 3000,
  });
  opened.push(runtime);
  return { runtime, sent };
}

describe('run ownership', () => {
  it('two processes racing to resume the same run: one runs it, the other is refused', async () => {
    const store = new MemoryStore();
    let release!: () => void;
    const gate = new Promise<string>((resolve) => {
      release = () => resolve('ok');
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const execute = () => {
      entered();
      return gate;
    };
    const a = await processOn(store, { approval: 'always', execute });
    const b = await processOn(store, { approval: 'always', execute });
    const suspended = await a.runtime.run({ agent: 'worker', input: 'go' });
    expect(suspended.status).toBe('suspended');
    const decisions = { [suspended.pending[0]!.callId]: { approve: true as const } };
    const fromA = a.runtime.resume(suspended.runId, { decisions });
    const fromB = b.runtime.resume(suspended.runId, { decisions });
    await inside;
    const loser = await Promise.race([
      fromA.then(
        () => 'a',
        (error: unknown) => error,
      ),
      fromB.then(
        () => 'b',
        (error: unknown) => error,
      ),
    ]);
    expect(loser).toMatchObject({ code: 'run.not_resumable' });
    expect((loser as Error).message).toMatch(/is being executed by ".+"/);
    release();
    const settled = await Promise.allSettled([fromA, fromB]);
    const completed = settled.filter((entry) => entry.status === 'fulfilled');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ value: { status: 'completed', output: 'sent' } });
    expect([...a.sent, ...b.sent]).toEqual(['ada']);
  });
});

describe('a durable run stopped before its first checkpoint', () => {
  it('starts again from its input on resume, under the budget and approvals it was started with', async () => {
    const store = new MemoryStore();
    const { runtime, sent } = await processOn(store);
    // What a process killed between writing the run record and its first checkpoint leaves behind.
    const agent = resolveAgent('worker', { model: new ScriptedModel({ script: ['x'] }) });
    const snapshot = freshSnapshot(
      {
        agent: 'worker',
        input: 'go',
        durable: true,
        runId: 'early-crash',
        approvals: { tools: { send: 'ask' } },
      },
      agent,
      'early-crash',
      new Date().toISOString(),
    );
    await new RunRecords(store).started(snapshot, snapshot.startedAt);

    const resumed = await runtime.resume('early-crash');
    expect(resumed).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    const finished = await runtime.resume('early-crash', {
      decisions: { [resumed.pending[0]!.callId]: { approve: true } },
    });
    expect(finished).toMatchObject({ status: 'completed', output: 'sent' });
    expect(sent).toEqual(['ada']);
    const events = await runtime.runs.events('early-crash');
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.slice(0, 2).map((event) => [event.type, event.data])).toMatchObject([
      ['run.started', { input: 'go', durable: true }],
      ['run.resumed', { attempt: 1, fromStep: 0, reason: 'recovery' }],
    ]);
    const resumes = events.filter((event) => event.type === 'run.resumed').map((event) => event.data);
    expect(resumes).toMatchObject([
      { attempt: 1, reason: 'recovery' },
      { attempt: 2, reason: 'decision' },
    ]);
  });
});

describe('resuming a failed run', () => {
  const rateLimited = () => new ModelError('model.rate_limited', { message: 'slow down', hint: 'wait' });

  it('continues a run that failed with a retryable error from its checkpoint, without repeating the tool', async () => {
    const store = new MemoryStore();
    const script: ScriptItem[] = [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'];
    const model = failingModel(script, new Map([[1, 1]]), rateLimited);
    const { runtime, sent } = await processOn(store, { model });
    const failed = await runtime.run({ agent: 'worker', input: 'go' });
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'model.rate_limited', retryable: true },
    });
    const resumed = await runtime.resume(failed.runId);
    expect(resumed).toMatchObject({ status: 'completed', output: 'sent' });
    expect(sent).toEqual(['ada']);
    const events = await runtime.runs.events(failed.runId);
    expect(events.find((event) => event.type === 'run.resumed')?.data).toMatchObject({
      attempt: 1,
      reason: 'retry',
      fromStep: 1,
    });
  });

  it('refuses a run that failed permanently, or completed, with a hint', async () => {
    const store = new MemoryStore();
    const invalid = () => new ModelError('model.auth', { message: 'bad key', hint: 'set the API key' });
    const model = failingModel(['done'], new Map([[0, 1]]), invalid);
    const { runtime } = await processOn(store, { model });
    const failed = await runtime.run({ agent: 'worker', input: 'go' });
    expect(failed.error).toMatchObject({ code: 'model.auth', retryable: false });
    const refused = await runtime.resume(failed.runId).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'run.not_resumable' });
    expect((refused as { hint?: string }).hint).toContain('model.auth');
    const completed = await runtime.run({ agent: 'worker', input: 'again' });
    expect(completed.status).toBe('completed');
    const again = await runtime.resume(completed.runId).catch((error: unknown) => error);
    expect(again).toMatchObject({ code: 'run.not_resumable', hint: expect.stringContaining('completed') });
  });
});

describe('automatic resume', () => {
  it("waits at least the error's retryAfterMs before resuming, and reports it on the result", async () => {
    const slowDown = () =>
      new ModelError('model.rate_limited', { message: 'slow down', retryAfterMs: 1_200 });
    const script: ScriptItem[] = [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'];
    const resuming = await processOn(new MemoryStore(), {
      model: failingModel(script, new Map([[1, 1]]), slowDown),
      maxResumeAttempts: 1,
    });
    const result = await resuming.runtime.run({ agent: 'worker', input: 'go' });
    expect(result.status).toBe('completed');
    const events = await resuming.runtime.runs.events(result.runId);
    const failedAt = Date.parse(events.find((event) => event.type === 'model.failed')!.time);
    const resumedAt = Date.parse(events.find((event) => event.type === 'run.resumed')!.time);
    expect(resumedAt - failedAt).toBeGreaterThanOrEqual(1_200);

    const giving = await processOn(new MemoryStore(), {
      model: failingModel(script, new Map([[1, 1]]), slowDown),
      maxResumeAttempts: 0,
    });
    const failed = await giving.runtime.run({ agent: 'worker', input: 'go' });
    expect(failed.error).toMatchObject({ code: 'model.rate_limited', retryAfterMs: 1_200 });
  });
});

describe('automatic resume of a run with no checkpoint', () => {
  it('starts it again from its input when its first model call and the save of that failure both failed', async () => {
    // Call 0 is rate limited; the failure's save (the run's first checkpoint write) fails as well.
    const quick = () => new ModelError('model.rate_limited', { message: 'slow down', retryAfterMs: 1 });
    const model = failingModel(['done'], new Map([[0, 1]]), quick);
    const store = new FlakyStore(1);
    const { runtime } = await processOn(store, { model, maxResumeAttempts: 2 });
    const result = await runtime.run({ agent: 'worker', input: 'go' });
    expect(result.error?.message ?? '').toBe('');
    expect(result).toMatchObject({ status: 'completed', output: 'done' });
    expect(store.checkpointWrites).toBeGreaterThan(1);
    const events = await runtime.runs.events(result.runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.map((event) => event.type).slice(0, 2)).toEqual(['run.started', 'run.resumed']);
    expect(events[1]?.data).toMatchObject({ attempt: 1, fromStep: 0, reason: 'retry' });
    expect(events.at(-1)?.type).toBe('run.completed');
    expect((await runtime.runs.get(result.runId))?.status).toBe('completed');
  });
});

describe('automatic resume that cannot reload the checkpoint', () => {
  it('returns the failed result (the run stays resumable) instead of rejecting', async () => {
    const store = new UnreadableCheckpoints();
    const quick = () => new ModelError('model.rate_limited', { message: 'slow down', retryAfterMs: 1 });
    const script: ScriptItem[] = [{ toolCalls: [{ tool: 'send', input: { to: 'ada' } }] }, 'sent'];
    const { runtime, sent } = await processOn(store, {
      model: failingModel(script, new Map([[1, 1]]), quick),
      maxResumeAttempts: 2,
    });
    store.failReads = 1;
    const failed = await runtime.run({ agent: 'worker', input: 'go' });
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'model.rate_limited', retryable: true },
    });
    expect(store.failReads).toBe(0);
    const resumed = await runtime.resume(failed.runId);
    expect(resumed).toMatchObject({ status: 'completed', output: 'sent' });
    expect(sent).toEqual(['ada']);
  });
});

/** A memory store whose next `failReads` reads of a checkpoint head fail like an unreachable backend. */
class UnreadableCheckpoints extends MemoryStore {
  failReads = 0;

  override async get<T extends JsonValue = JsonValue>(
    namespace: string,
    key: string,
  ): Promise<T | undefined> {
    if (namespace === CHECKPOINT_NAMESPACE && this.failReads > 0) {
      this.failReads -= 1;
      throw new StoreError('store.unavailable', { message: 'connection reset', retryable: true });
    }
    return super.get<T>(namespace, key);
  }
}

describe('cancel', () => {
  it('cancels a run in the same tick it was started, given its runId', async () => {
    const { runtime, sent } = await processOn(new MemoryStore());
    const running = runtime.run({ agent: 'worker', input: 'go', runId: 'cancel-me' });
    await runtime.cancel('cancel-me');
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    expect(sent).toEqual([]);
    expect((await runtime.runs.get('cancel-me'))?.status).toBe('cancelled');
  });
});
