import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { SideEffects } from '../../contracts/tool.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { PURE_RERUN_LIMIT_MS } from '../state/run-context.js';
import { CHECKPOINT_SCHEMA_VERSION } from './envelope.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

function noteTool(sideEffects: SideEffects) {
  return defineTool({
    name: 'note',
    description: 'Stores a note',
    input: z.object({ value: z.string() }),
    sideEffects,
    execute: (input) => ({ stored: input.value.length }),
  });
}

/** K model responses that call `note` once each, then the answer. */
function steps(count: number) {
  return [
    ...Array.from({ length: count }, (_, index) => ({
      toolCalls: [{ tool: 'note', input: { value: `item ${index}` } }],
    })),
    'done',
  ];
}

async function run(durable: boolean, sideEffects: SideEffects, count = 3): Promise<AnyAgentryEvent[]> {
  const { runtime } = await configRuntime(steps(count), { durable }, { tools: [noteTool(sideEffects)] });
  opened.push(runtime);
  const result = await runtime.run({ agent: 'assistant', input: 'go' });
  expect(result.status).toBe('completed');
  return runtime.runs.events(result.runId);
}

const saved = (events: AnyAgentryEvent[]) =>
  events.flatMap((event) => (event.type === 'checkpoint.saved' ? [event.data] : []));

describe('checkpoint.saved', () => {
  it('follows each acknowledged save of a durable step; a side-effect-free result rides on the next save', async () => {
    const events = await run(true, 'none');
    const checkpoints = saved(events);
    // One per model response (holding the previous turn's result), the answer's included.
    expect(checkpoints.map((data) => data.step)).toEqual([1, 2, 3, 4]);
    for (const data of checkpoints) {
      expect(data.version).toBe(CHECKPOINT_SCHEMA_VERSION);
      expect(data.bytes).toBeGreaterThan(100);
    }
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.type).toBe('run.completed');
  });

  it('saves after the result of a tool with side effects, and before it starts', async () => {
    const checkpoints = saved(await run(true, 'idempotent'));
    expect(checkpoints.map((data) => data.step)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
  });

  it(`saves after side-effect-free results once the unsaved ones took ${PURE_RERUN_LIMIT_MS} ms`, async () => {
    let now = 1_700_000_000_000;
    const slow = defineTool({
      name: 'note',
      description: 'Stores a note slowly',
      input: z.object({ value: z.string() }),
      sideEffects: 'none',
      execute: (input) => {
        now += PURE_RERUN_LIMIT_MS * 0.6;
        return { stored: input.value.length };
      },
    });
    const pair = (index: number) => ({
      toolCalls: [
        { tool: 'note', input: { value: `a${index}` } },
        { tool: 'note', input: { value: `b${index}` } },
      ],
    });
    const { runtime } = await configRuntime(
      [pair(1), pair(2), 'done'],
      { durable: true },
      { tools: [slow], clock: { now: () => now } },
    );
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'go' });
    expect(result.status).toBe('completed');
    const checkpoints = saved(await runtime.runs.events(result.runId));
    // Per turn: the first call (0.6 of the limit) waits for the next save, the second (1.2 in all) is saved;
    // every save starts the count again, so the second turn does the same.
    expect(checkpoints.map((data) => data.step)).toEqual([1, 1, 2, 2, 3]);
  });

  it('keeps the number of saves per step the same at step 20 as at step 3', async () => {
    const short = saved(await run(true, 'none', 3)).length;
    const long = saved(await run(true, 'none', 20)).length;
    // Less the answer's save: the same per step.
    expect((long - 1) / 20).toBe((short - 1) / 3);
  });

  it('is not emitted by a run that is not durable', async () => {
    expect(saved(await run(false, 'none'))).toEqual([]);
  });
});
