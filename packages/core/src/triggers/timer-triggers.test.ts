import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JsonValue } from '../contracts/json.js';
import type { Model, ModelRequest, ModelResponse } from '../contracts/model.js';
import type { Runtime } from '../contracts/runtime.js';
import type { TriggerHandle } from '../contracts/triggers.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { EventLog, ManualScheduleQueue } from './__fixtures__/trigger-test-kit.js';

/** A model whose calls wait until `release()`: runs stay active as long as a test needs. */
class GateModel implements Model {
  readonly kind = 'model';
  readonly specVersion = 1;
  readonly provider = 'gate';
  readonly modelId = 'gate';
  readonly inputs: string[] = [];
  #open = false;
  #waiting: (() => void)[] = [];
  #called: (() => void)[] = [];
  constructor(open = false) {
    this.#open = open;
  }
  release(): void {
    this.#open = true;
    for (const resume of this.#waiting.splice(0)) resume();
  }
  /** Resolves once the model has been called `count` times. */
  async called(count: number): Promise<void> {
    while (this.inputs.length < count) await new Promise<void>((resolve) => this.#called.push(resolve));
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages.at(-1);
    this.inputs.push(typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content));
    for (const wake of this.#called.splice(0)) wake();
    if (!this.#open) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return {
      text: 'ok',
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      finishReason: 'stop',
    };
  }
}

/** A memory store that counts reads per namespace. */
class ReadCountingStore extends MemoryStore {
  readonly #reads = new Map<string, number>();
  override get<T extends JsonValue = JsonValue>(namespace: string, key: string): Promise<T | undefined> {
    this.#reads.set(namespace, (this.#reads.get(namespace) ?? 0) + 1);
    return super.get<T>(namespace, key);
  }
  reads(namespace: string): number {
    return this.#reads.get(namespace) ?? 0;
  }
}

const opened: { runtime: Runtime; handle?: TriggerHandle | undefined }[] = [];
afterEach(async () => {
  for (const { runtime, handle } of opened.splice(0)) {
    await handle?.stop();
    await runtime.close({ mode: 'interrupt' });
  }
});

/**
 * A runtime whose queue ticks schedules on demand (`tick()` resolves once the trigger handled the tick), and
 * a log of its trigger and run-completion events.
 */
async function start(trigger: Record<string, unknown>, model: Model, store = new MemoryStore()) {
  const queue = new ManualScheduleQueue();
  const runtime = await createRuntime({
    config: {
      version: 1,
      models: { m: { provider: 'scripted' } },
      agents: { digest: { model: 'm', triggers: [trigger] } },
    },
    models: { m: model },
    store,
    queue,
  });
  const log = new EventLog(
    runtime.events,
    (event) => event.type.startsWith('trigger.') || event.type === 'run.completed',
  );
  const entry: { runtime: Runtime; handle?: TriggerHandle | undefined } = { runtime };
  opened.push(entry);
  entry.handle = await runtime.startTriggers?.();
  const tick = () => queue.tick(`trigger:digest.${String(trigger.id)}`);
  return { runtime, log, tick };
}

describe('cron triggers', () => {
  it('fire on schedule (seconds resolution): one run per tick, input filled from the tick', async () => {
    const model = new GateModel(true);
    const { log, runtime, tick } = await start(
      {
        id: 'tick',
        type: 'cron',
        cron: '* * * * * *',
        timezone: 'Europe/Berlin',
        input: 'Tick at {{payload.scheduledAt}} ({{trigger.id}})',
      },
      model,
    );
    const first = await tick();
    await log.until((events) => events.of('run.completed').length === 1);
    const second = await tick();
    await log.until((events) => events.of('run.completed').length === 2);
    const fired = log.of('trigger.fired');
    expect(fired).toHaveLength(2);
    expect(fired[0]?.data).toMatchObject({ trigger: 'digest.tick', type: 'cron' });
    expect(fired[0]?.data.payloadDigest).toMatch(/^[0-9a-f]{64}$/);
    const ticks = model.inputs.map((input) => /Tick at (\S+) \(tick\)/.exec(input)?.[1]);
    expect(ticks).toEqual([new Date(first).toISOString(), new Date(second).toISOString()]);
    expect(ticks.every((at) => at !== undefined && Date.parse(at) % 1000 === 0)).toBe(true);
    const record = await runtime.runs.get(fired[0]?.data.runId ?? '');
    expect(record?.status).toBe('completed');
  });
});

describe('interval triggers: overlap policies', () => {
  it('skip: ticks while the previous run is active are skipped (overlap), then fire again', async () => {
    const model = new GateModel();
    const { log, tick } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'skip' },
      model,
    );
    await tick();
    await tick();
    await tick();
    expect(log.of('trigger.fired')).toHaveLength(1);
    expect(log.of('trigger.skipped')).toHaveLength(2);
    expect(log.of('trigger.skipped')[0]?.data).toMatchObject({ reason: 'overlap', trigger: 'digest.poll' });
    model.release();
    await log.until((events) => events.of('run.completed').length === 1);
    await tick();
    expect(log.of('trigger.fired')).toHaveLength(2);
  });

  it('queue: a tick waits for the active run to stop, then starts its own', async () => {
    const model = new GateModel();
    const { log, tick } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'queue' },
      model,
    );
    await tick();
    await tick();
    await tick();
    // Ticks came and wait: still one run, nothing skipped.
    expect(log.of('trigger.fired')).toHaveLength(1);
    expect(log.of('trigger.skipped')).toHaveLength(0);
    model.release();
    await log.until((events) => events.of('trigger.fired').length === 3);
    const { events } = log;
    const firstDone = events.findIndex((event) => event.type === 'run.completed');
    const secondFired = events.findIndex((event, index) => event.type === 'trigger.fired' && index > 0);
    expect(firstDone).toBeGreaterThanOrEqual(0);
    expect(secondFired).toBeGreaterThan(firstDone);
  });

  it('queue: a waiting tick reads the store less and less often, and starts as soon as the bus says the run stopped', async () => {
    const model = new GateModel();
    const store = new ReadCountingStore();
    const { log, tick } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'queue' },
      model,
      store,
    );
    await tick();
    await tick();
    await model.called(1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await vi.advanceTimersByTimeAsync(10_000);
      const before = store.reads('triggers');
      // After the first seconds, one recheck every 2 s: 10 in 20 s (a 50 ms poll would read 400 times).
      await vi.advanceTimersByTimeAsync(20_000);
      expect(store.reads('triggers') - before).toBeLessThanOrEqual(11);
      expect(log.of('trigger.fired')).toHaveLength(1);
      // No timer is advanced from here: only run.completed on the bus can wake the waiting tick.
      model.release();
      await log.until((events) => events.of('trigger.fired').length === 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('allow: ticks start runs while earlier ones are still active', async () => {
    const model = new GateModel();
    const { log, runtime, tick } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'allow' },
      model,
    );
    await tick();
    await tick();
    await tick();
    await model.called(3);
    expect(await runtime.runs.list({ status: 'running' })).toHaveLength(3);
    expect(log.of('trigger.fired')).toHaveLength(3);
    expect(log.of('trigger.skipped')).toHaveLength(0);
    model.release();
  });
});

describe('misfire after downtime (the last tick is stored)', () => {
  const missed = (store: MemoryStore) =>
    store.set('triggers', 'digest.hourly', { lastTickAt: Date.now() - 3 * 3_600_000 });

  it('run-once: one run at start for the missed ticks', async () => {
    const store = new MemoryStore();
    await missed(store);
    const model = new GateModel(true);
    const { log } = await start(
      {
        id: 'hourly',
        type: 'cron',
        cron: '0 * * * *',
        input: 'late? {{payload.misfire}}',
        misfire: 'run-once',
      },
      model,
      store,
    );
    // The missed tick is handled before startTriggers resolves; the run it started then completes.
    expect(log.of('trigger.fired')).toHaveLength(1);
    await log.until((events) => events.of('run.completed').length === 1);
    expect(model.inputs).toEqual(['late? true']);
  });

  it('skip: nothing runs, trigger.skipped says misfire', async () => {
    const store = new MemoryStore();
    await missed(store);
    const { log } = await start(
      { id: 'hourly', type: 'cron', cron: '0 * * * *', input: 'x' },
      new GateModel(true),
      store,
    );
    // The missed tick is handled before startTriggers resolves.
    expect(log.of('trigger.skipped')).toHaveLength(1);
    expect(log.of('trigger.skipped')[0]?.data.reason).toBe('misfire');
    expect(log.of('trigger.fired')).toHaveLength(0);
  });
});
