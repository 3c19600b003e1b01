/** A checkpoint write that fails mid-run: the run resumes from its last checkpoint, its event log stays whole. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '../../contracts/runtime.js';
import { defineTool } from '../../plugin/define-tool.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { FlakyStore } from './__fixtures__/flaky-store.js';

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

const calls: string[] = [];
const note = defineTool({
  name: 'note',
  description: 'Keeps a note',
  input: z.object({ value: z.string() }),
  sideEffects: 'idempotent',
  execute: (input) => {
    calls.push(input.value);
    return { kept: input.value };
  },
});

const script = [
  { toolCalls: [{ tool: 'note', input: { value: 'one' } }] },
  { toolCalls: [{ tool: 'note', input: { value: 'two' } }] },
  'done',
];

describe('a failed checkpoint write', () => {
  for (const failAt of [2, 3, 4, 5, 6]) {
    it(`(write ${failAt}) is resumed automatically: the run completes, each note is kept once, events stay contiguous`, async () => {
      calls.length = 0;
      const store = new FlakyStore(failAt);
      const { runtime } = await configRuntime(script, { durable: true }, { tools: [note], store });
      opened.push(runtime);
      const result = await runtime.run({ agent: 'assistant', input: 'take notes' });
      expect(result.error?.message ?? '').toBe('');
      expect(result.status).toBe('completed');
      expect(result.output).toBe('done');
      expect(calls).toEqual(['one', 'two']);
      const events = await runtime.runs.events(result.runId);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect(events.filter((event) => event.type === 'run.resumed')).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('run.completed');
    });
  }
});
