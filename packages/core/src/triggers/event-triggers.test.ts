import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../contracts/runtime.js';
import { MemoryStore } from '../defaults/memory-store.js';
import { ScriptedModel } from '../defaults/scripted-model.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { EventLog } from './__fixtures__/trigger-test-kit.js';
import { eventFiringsSettled } from './event-triggers.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

async function open(agents: Record<string, unknown>, model: ScriptedModel, store = new MemoryStore()) {
  const runtime = await createRuntime({
    config: { version: 1, models: { m: { provider: 'scripted' } }, agents },
    models: { m: model },
    store,
  });
  opened.push(runtime);
  const log = new EventLog(runtime.events);
  return { runtime, log, events: log.events };
}

/** True once a run of `agent` has completed `count` times (per the bus). */
const completed =
  (agent: string, count = 1) =>
  (log: EventLog) =>
    log.of('run.completed').filter((event) => event.agentId === agent).length >= count;

describe('event triggers', () => {
  it("chain two agents: the reviewer starts when the writer's run completes, with its output", async () => {
    const model = new ScriptedModel({ script: ['A haiku about rain', 'Looks good'], record: true });
    const { runtime, events, log } = await open(
      {
        writer: { model: 'm' },
        reviewer: {
          model: 'm',
          triggers: [
            {
              id: 'after-writer',
              type: 'event',
              event: 'run.completed',
              from: 'writer',
              input: 'Review this: {{payload.output}}',
              session: 'review-{{payload.runId}}',
            },
          ],
        },
      },
      model,
    );
    await runtime.startTriggers?.();
    const written = await runtime.run({ agent: 'writer', input: 'Write a haiku' });
    await log.until(completed('reviewer'));
    // The reviewer's completion has reached the triggers; they have handled it.
    await eventFiringsSettled(runtime.events);
    const [review] = await runtime.runs.list({ agentId: 'reviewer' });
    expect(review?.input).toBe('Review this: A haiku about rain');
    expect(review?.sessionId).toBe(`review-${written.runId}`);
    const fired = events.find((event) => event.type === 'trigger.fired');
    expect(fired?.data).toMatchObject({
      trigger: 'reviewer.after-writer',
      type: 'event',
      runId: review?.runId,
    });
    // The reviewer's own completion does not start another review (`from: writer`).
    expect(await runtime.runs.list({ agentId: 'reviewer' })).toHaveLength(1);
  });

  it('custom events: runtime.publish starts the agent when the filter matches, not otherwise', async () => {
    const model = new ScriptedModel({ script: ['triaged'], record: true });
    const { runtime, log } = await open(
      {
        triage: {
          model: 'm',
          triggers: [
            {
              id: 'urgent',
              type: 'event',
              event: 'ticket.created',
              where: { priority: { in: ['high', 'urgent'] }, 'customer.tier': 'gold' },
              input: 'Triage {{payload.title}}',
            },
          ],
        },
      },
      model,
    );
    await runtime.startTriggers?.();
    await runtime.publish?.('ticket.created', {
      title: 'Minor',
      priority: 'low',
      customer: { tier: 'gold' },
    });
    await runtime.publish?.('ticket.created', {
      title: 'Other tier',
      priority: 'high',
      customer: { tier: 'free' },
    });
    await runtime.publish?.('ticket.updated', {
      title: 'Wrong name',
      priority: 'high',
      customer: { tier: 'gold' },
    });
    await runtime.publish?.('ticket.created', {
      title: 'Outage',
      priority: 'urgent',
      customer: { tier: 'gold' },
    });
    // Every published event has reached the triggers; the one match has started its run.
    await eventFiringsSettled(runtime.events);
    await log.until(completed('triage'));
    const runs = await runtime.runs.list({ agentId: 'triage' });
    expect(runs.map((run) => run.input)).toEqual(['Triage Outage']);
  });

  it("without `from`, an agent's own completions do not trigger it (no loop); another agent's do", async () => {
    const model = new ScriptedModel({ script: ['done', 'done', 'done'] });
    const { runtime, log } = await open(
      {
        other: { model: 'm' },
        watcher: {
          model: 'm',
          triggers: [{ id: 'any', type: 'event', event: 'run.completed', input: 'saw {{payload.agentId}}' }],
        },
      },
      model,
    );
    await runtime.startTriggers?.();
    await runtime.run({ agent: 'watcher', input: 'by hand' });
    await runtime.run({ agent: 'other', input: 'work' });
    await log.until(completed('watcher', 2));
    // The watcher's completions (by hand, then "saw other") have reached the triggers and been handled.
    await eventFiringsSettled(runtime.events);
    const inputs = (await runtime.runs.list({ agentId: 'watcher' })).map((run) => run.input).sort();
    expect(inputs).toEqual(['by hand', 'saw other']);
  });

  it("publish refuses the runtime's own event names", async () => {
    const { runtime } = await open({ a: { model: 'm' } }, new ScriptedModel({ script: ['x'] }));
    await expect(runtime.publish?.('run.completed', {})).rejects.toMatchObject({ code: 'event.invalid' });
  });

  it('two processes on one store (a shared bus) fire an event once in all', async () => {
    const store = new MemoryStore();
    const model = new ScriptedModel({ script: ['one', 'two', 'three'] });
    const agents = {
      triage: {
        model: 'm',
        triggers: [{ id: 't', type: 'event', event: 'ping', input: 'ping {{payload.n}}' }],
      },
    };
    const first = await open(agents, model, store);
    const second = await open(agents, model, store);
    await first.runtime.startTriggers?.();
    await second.runtime.startTriggers?.();
    // A shared bus delivers the event to both; here the second runtime hears what the first publishes.
    first.runtime.events.onAny((event) => {
      if (event.type === 'event.published') void second.runtime.events.publish(event);
    });
    await first.runtime.publish?.('ping', { n: 1 });
    // Both processes heard the event when it was published; both have handled it (one fired, one lost the claim).
    await eventFiringsSettled(first.runtime.events);
    await eventFiringsSettled(second.runtime.events);
    const fired = [...first.events, ...second.events].filter((event) => event.type === 'trigger.fired');
    expect(fired).toHaveLength(1);
    // Closing a runtime closes the store they share: the one that fired (and runs the run) closes first.
    const [winner, loser] = first.log.of('trigger.fired').length === 1 ? [first, second] : [second, first];
    opened.splice(0);
    await winner.runtime.close();
    await loser.runtime.close();
    expect(winner.log.of('run.completed')).toHaveLength(1);
  });
});
