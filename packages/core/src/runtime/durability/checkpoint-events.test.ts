import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { SideEffects } from '../../contracts/tool.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
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
  it('follows each acknowledged save of a durable step: the model response and each tool result', async () => {
    const events = await run(true, 'none');
    const checkpoints = saved(events);
    // The first save, then per tool step one for the model response and one for the tool result, then the answer.
    expect(checkpoints.map((data) => data.step)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
    for (const data of checkpoints) {
      expect(data.version).toBe(CHECKPOINT_SCHEMA_VERSION);
      expect(data.bytes).toBeGreaterThan(100);
    }
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.type).toBe('run.completed');
  });

  it('adds the save before a tool with side effects starts, and nothing else', async () => {
    const checkpoints = saved(await run(true, 'idempotent'));
    expect(checkpoints.map((data) => data.step)).toEqual([0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
  });

  it('keeps the number of saves per step the same at step 20 as at step 3', async () => {
    const short = saved(await run(true, 'none', 3)).length;
    const long = saved(await run(true, 'none', 20)).length;
    expect((long - 2) / 20).toBe((short - 2) / 3);
  });

  it('is not emitted by a run that is not durable', async () => {
    expect(saved(await run(false, 'none'))).toEqual([]);
  });
});
