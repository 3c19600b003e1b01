import { afterEach, describe, expect, it } from 'vitest';
import type { AgentryEvent, AnyAgentryEvent } from '../contracts/events.js';
import type { Model, ModelRequest, ModelResponse } from '../contracts/model.js';
import type { Runtime } from '../contracts/runtime.js';
import type { TriggerHandle } from '../contracts/triggers.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { createRuntime } from '../runtime/create-runtime.js';

/** A model whose calls wait until `release()`: runs stay active as long as a test needs. */
class GateModel implements Model {
  readonly kind = 'model';
  readonly specVersion = 1;
  readonly provider = 'gate';
  readonly modelId = 'gate';
  readonly inputs: string[] = [];
  #open = false;
  #waiting: (() => void)[] = [];
  constructor(open = false) {
    this.#open = open;
  }
  release(): void {
    this.#open = true;
    for (const resume of this.#waiting.splice(0)) resume();
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages.at(-1);
    this.inputs.push(typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content));
    if (!this.#open) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return {
      text: 'ok',
      toolCalls: [],
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      finishReason: 'stop',
    };
  }
}

const opened: { runtime: Runtime; handle?: TriggerHandle | undefined }[] = [];
afterEach(async () => {
  for (const { runtime, handle } of opened.splice(0)) {
    await handle?.stop();
    await runtime.close({ mode: 'interrupt' });
  }
});

async function start(trigger: Record<string, unknown>, model: Model, store = new MemoryStore()) {
  const runtime = await createRuntime({
    config: {
      version: 1,
      models: { m: { provider: 'scripted' } },
      agents: { digest: { model: 'm', triggers: [trigger] } },
    },
    models: { m: model },
    store,
  });
  const events: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => {
    if (event.type.startsWith('trigger.') || event.type === 'run.completed') events.push(event);
  });
  const entry: { runtime: Runtime; handle?: TriggerHandle | undefined } = { runtime };
  opened.push(entry);
  entry.handle = await runtime.startTriggers?.();
  return { runtime, events, store };
}

async function until(condition: () => boolean, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const of = <T extends AnyAgentryEvent['type']>(events: AnyAgentryEvent[], type: T): AgentryEvent<T>[] =>
  events.filter((event) => event.type === type) as unknown as AgentryEvent<T>[];

describe('cron triggers', () => {
  it('fire on schedule (seconds resolution): one run per tick, input filled from the tick', async () => {
    const model = new GateModel(true);
    const { events, runtime } = await start(
      {
        id: 'tick',
        type: 'cron',
        cron: '* * * * * *',
        timezone: 'Europe/Berlin',
        input: 'Tick at {{payload.scheduledAt}} ({{trigger.id}})',
      },
      model,
    );
    await until(() => of(events, 'run.completed').length >= 2);
    const fired = of(events, 'trigger.fired');
    expect(fired[0]?.data).toMatchObject({ trigger: 'digest.tick', type: 'cron' });
    expect(fired[0]?.data.payloadDigest).toMatch(/^[0-9a-f]{64}$/);
    const ticks = model.inputs.map((input) => /Tick at (\S+) \(tick\)/.exec(input)?.[1]);
    expect(ticks.every((tick) => tick !== undefined && Date.parse(tick) % 1000 === 0)).toBe(true);
    expect(new Set(ticks).size).toBe(ticks.length);
    const record = await runtime.runs.get(fired[0]?.data.runId ?? '');
    expect(record?.status).toBe('completed');
  });
});

describe('interval triggers: overlap policies', () => {
  it('skip: ticks while the previous run is active are skipped (overlap), then fire again', async () => {
    const model = new GateModel();
    const { events } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'skip' },
      model,
    );
    await until(() => of(events, 'trigger.skipped').length >= 2);
    expect(of(events, 'trigger.fired')).toHaveLength(1);
    expect(of(events, 'trigger.skipped')[0]?.data).toMatchObject({
      reason: 'overlap',
      trigger: 'digest.poll',
    });
    model.release();
    await until(() => of(events, 'trigger.fired').length >= 2);
  });

  it('queue: a tick waits for the active run to stop, then starts its own', async () => {
    const model = new GateModel();
    const { events } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'queue' },
      model,
    );
    await until(() => model.inputs.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    // Ticks came and waited: still one run, nothing skipped.
    expect(of(events, 'trigger.fired')).toHaveLength(1);
    expect(of(events, 'trigger.skipped')).toHaveLength(0);
    model.release();
    await until(() => of(events, 'trigger.fired').length >= 3);
    const firstDone = events.findIndex((event) => event.type === 'run.completed');
    const secondFired = events.findIndex((event, index) => event.type === 'trigger.fired' && index > 0);
    expect(firstDone).toBeGreaterThanOrEqual(0);
    expect(secondFired).toBeGreaterThan(firstDone);
  });

  it('allow: ticks start runs while earlier ones are still active', async () => {
    const model = new GateModel();
    const { events, runtime } = await start(
      { id: 'poll', type: 'interval', every: '100ms', input: 'poll', overlap: 'allow' },
      model,
    );
    await until(() => model.inputs.length >= 3);
    const running = await runtime.runs.list({ status: 'running' });
    expect(running.length).toBeGreaterThanOrEqual(3);
    expect(of(events, 'trigger.skipped')).toHaveLength(0);
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
    const { events } = await start(
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
    await until(() => of(events, 'run.completed').length === 1);
    expect(model.inputs).toEqual(['late? true']);
    expect(of(events, 'trigger.fired')).toHaveLength(1);
  });

  it('skip: nothing runs, trigger.skipped says misfire', async () => {
    const store = new MemoryStore();
    await missed(store);
    const { events } = await start(
      { id: 'hourly', type: 'cron', cron: '0 * * * *', input: 'x' },
      new GateModel(true),
      store,
    );
    await until(() => of(events, 'trigger.skipped').length === 1);
    expect(of(events, 'trigger.skipped')[0]?.data.reason).toBe('misfire');
    expect(of(events, 'trigger.fired')).toHaveLength(0);
  });
});
