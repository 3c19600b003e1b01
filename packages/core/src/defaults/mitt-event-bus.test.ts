import { describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../contracts/events.js';
import type { Logger } from '../contracts/services.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { silentLogger } from '../services/console-logger.js';
import { describeEventBusConformance, makeTestEvent } from '../testing/event-bus-conformance.js';
import { MittEventBus } from './mitt-event-bus.js';

describeEventBusConformance({
  name: 'MittEventBus',
  create: () => new MittEventBus({ logger: silentLogger }),
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (message) => void warnings.push(message) };
}

const started = (seq: number) => makeTestEvent('step.started', { step: seq }, { seq }) as AnyAgentryEvent;

describe('MittEventBus', () => {
  it('reports a failing subscriber as a subscriber.failed event to the others, and as a warning', async () => {
    const logger = recordingLogger();
    const bus = new MittEventBus({ logger });
    const failures: AnyAgentryEvent[] = [];
    const seenByFailing: string[] = [];
    bus.onAny((event) => {
      seenByFailing.push(event.type);
      if (event.type === 'step.started') throw new Error('broken subscriber');
    });
    bus.on('subscriber.failed', (event) => void failures.push(event as AnyAgentryEvent));
    await bus.publish(started(7));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      type: 'subscriber.failed',
      runId: 'run_conformance',
      seq: 7,
      data: { eventType: 'step.started', message: 'broken subscriber' },
    });
    expect(seenByFailing).toEqual(['step.started']);
    expect(logger.warnings).toEqual(['Event subscriber failed on "step.started": broken subscriber']);
  });

  it('reports async rejections the same way, before publish resolves', async () => {
    const logger = recordingLogger();
    const bus = new MittEventBus({ logger });
    const failures: string[] = [];
    bus.on('step.started', async () => {
      await Promise.resolve();
      throw new Error('late failure');
    });
    bus.on('subscriber.failed', (event) => void failures.push(event.data.message));
    await bus.publish(started(1));
    expect(failures).toEqual(['late failure']);
    expect(logger.warnings).toHaveLength(1);
  });

  it('only logs failures of subscriber.failed handlers, without reporting them again', async () => {
    const logger = recordingLogger();
    const bus = new MittEventBus({ logger });
    let reports = 0;
    bus.on('step.started', () => {
      throw new Error('first');
    });
    bus.on('subscriber.failed', () => {
      reports++;
      throw new Error('second');
    });
    bus.onAny(async (event) => {
      if (event.type === 'subscriber.failed') throw new Error('third');
    });
    await bus.publish(started(1));
    expect(reports).toBe(1);
    expect(logger.warnings).toEqual([
      'Event subscriber failed on "step.started": first',
      'Event subscriber failed on "subscriber.failed": second',
      'Event subscriber failed on "subscriber.failed": third',
    ]);
  });

  it('keeps working when the logger itself throws', async () => {
    const bus = new MittEventBus({
      logger: {
        ...silentLogger,
        warn: () => {
          throw new Error('logger down');
        },
      },
    });
    let delivered = 0;
    bus.on('step.started', () => {
      throw new Error('x');
    });
    bus.on('step.started', () => void delivered++);
    await expect(bus.publish(started(1))).resolves.toBeUndefined();
    expect(delivered).toBe(1);
  });

  it('delivers events published from inside a handler, and the outer event to every handler', async () => {
    const bus = new MittEventBus({ logger: silentLogger });
    const order: string[] = [];
    bus.on('step.started', async (event) => {
      order.push(`started:${event.seq}`);
      await bus.publish(
        makeTestEvent('step.completed', { step: 1, toolCalls: 0 }, { seq: 2 }) as AnyAgentryEvent,
      );
    });
    bus.onAny((event) => void order.push(`any:${event.type}`));
    await bus.publish(started(1));
    expect(order).toEqual(['started:1', 'any:step.completed', 'any:step.started']);
  });

  it('waits for deliveries in progress on close and delivers nothing afterwards', async () => {
    const bus = new MittEventBus({ logger: silentLogger });
    let finished = 0;
    bus.on('step.started', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished++;
    });
    void bus.publish(started(1));
    await bus.close();
    expect(finished).toBe(1);
    await bus.publish(started(2));
    expect(finished).toBe(1);
  });

  it('is the builtin `mitt` event-bus plugin', () => {
    expect(MittEventBus.plugin).toMatchObject({ kind: 'event-bus', name: 'mitt', specVersion: 1 });
    expect(MittEventBus.plugin.configSchema.safeParse({ extra: 1 }).success).toBe(false);
  });
});

describe('MittEventBus in a runtime', () => {
  it('lets a run complete while subscribers throw and reject, and reports them', async () => {
    const logger = recordingLogger();
    const runtime = await createRuntime({
      config: {
        version: 1,
        models: { demo: { provider: 'scripted', script: ['Hello!'] } },
        agents: { a: { model: 'demo' } },
      },
      events: new MittEventBus({ logger }),
    });
    try {
      const failures: string[] = [];
      runtime.events.on('step.started', () => {
        throw new Error('sync subscriber bug');
      });
      runtime.events.on('model.responded', async () => {
        throw new Error('async subscriber bug');
      });
      runtime.events.on('subscriber.failed', (event) => void failures.push(event.data.message));
      const result = await runtime.run({ agent: 'a', input: 'hi' });
      expect(result).toMatchObject({ status: 'completed', output: 'Hello!' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(failures).toEqual(['sync subscriber bug', 'async subscriber bug']);
      expect(logger.warnings).toHaveLength(2);
    } finally {
      await runtime.close();
    }
  });
});
