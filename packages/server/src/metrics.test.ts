import { createRuntime, defineTool, type Runtime, ScriptedModel } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenApiClient } from './__fixtures__/openapi-client.js';
import { watchedStore } from './__fixtures__/watched-store.js';
import { createServer } from './create-server.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

/** Two runs waiting for approval of their `ask` call; later runs answer at once. */
async function setup() {
  const ask = defineTool({
    name: 'ask',
    description: 'Needs a person',
    input: z.object({}),
    sideEffects: 'unsafe',
    approval: 'always',
    execute: () => 'asked',
  });
  const watched = watchedStore();
  const runtime = await createRuntime({
    config: { version: 1, agents: { a: { model: 'm', durable: true } } },
    models: {
      m: new ScriptedModel({
        script: [{ when: { input: '^ask' }, toolCalls: [{ tool: 'ask', input: {} }] }, 'done', 'done'],
      }),
    },
    tools: [ask],
    store: watched.store,
  });
  opened.push(runtime);
  const api = new OpenApiClient(createServer(runtime));
  const suspended = [
    await runtime.run({ agent: 'a', input: 'ask one' }),
    await runtime.run({ agent: 'a', input: 'ask two' }),
  ];
  const finish = async (count: number) => {
    for (let index = 0; index < count; index += 1) await runtime.run({ agent: 'a', input: `run ${index}` });
  };
  /** The scrape's text and what it read from the store. */
  const scrape = async () => {
    watched.resetReads();
    const answer = await api.call('GET', '/metrics');
    expect(answer.status).toBe(200);
    return { text: answer.text, reads: { ...watched.reads } };
  };
  return { runtime, suspended, finish, scrape };
}

describe('GET /metrics', () => {
  it('keeps runs by status and approvals waiting as runs change, reading nothing from the store per scrape', async () => {
    const { runtime, suspended, finish, scrape } = await setup();
    await finish(3);
    const first = await scrape();
    expect(first.text).toContain('agentry_runs{status="suspended"} 2');
    expect(first.text).toContain('agentry_runs{status="completed"} 3');
    expect(first.text).toContain('agentry_approvals_waiting 2');

    await finish(10);
    const few = await scrape();
    expect(few.text).toContain('agentry_runs{status="completed"} 13');
    await finish(100);
    const many = await scrape();
    expect(many.text).toContain('agentry_runs{status="completed"} 113');
    // The cost of a scrape does not grow with the finished runs: it reads nothing.
    expect(few.reads).toEqual({ calls: 0, values: 0 });
    expect(many.reads).toEqual(few.reads);

    const [waiting] = suspended;
    const callId = waiting?.pending[0]?.callId as string;
    await runtime.resume(waiting?.runId as string, { decisions: { [callId]: { approve: true } } });
    const after = await scrape();
    expect(after.text).toContain('agentry_runs{status="suspended"} 1');
    expect(after.text).toContain('agentry_runs{status="completed"} 114');
    expect(after.text).toContain('agentry_approvals_waiting 1');
    expect(after.reads).toEqual({ calls: 0, values: 0 });
  });

  it('counts what the store held before the first scrape', async () => {
    const { finish, scrape } = await setup();
    await finish(5);
    const { text } = await scrape();
    expect(text).toContain('agentry_runs{status="completed"} 5');
    expect(text).toContain('agentry_runs{status="suspended"} 2');
    expect(text).not.toContain('status="running"} 1');
  });
});
