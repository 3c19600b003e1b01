import { describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { StoreBatchEntry, StoreWriteOptions } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { recordingTool, scriptedRuntime } from '../__fixtures__/runtime-fixture.js';
import { EVENT_BLOCK_SIZE, RUN_EVENTS_NAMESPACE } from './event-log.js';

/** Twenty tool steps: more than one block of events. */
const script = [
  ...Array.from({ length: 20 }, (_, index) => ({
    toolCalls: [{ tool: 'note', input: { value: `n${index}` } }],
  })),
  { text: 'done' },
];

/** A store that says it is shared (not process-local) and keeps the batches it is given. */
class SharedStore extends MemoryStore {
  override readonly processLocal = false as unknown as true;
  readonly batches: StoreBatchEntry[][] = [];
  override async setBatch(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions) {
    this.batches.push([...entries]);
    await super.setBatch(entries, options);
  }
}

async function runOn(store?: MemoryStore) {
  const note = recordingTool('note', { sideEffects: 'none' });
  const { runtime } = scriptedRuntime(script, { tools: [note.tool] }, store ? { store } : {});
  const published: AnyAgentryEvent[] = [];
  runtime.events.onAny((event) => void published.push(event));
  const result = await runtime.run({ agent: 'assistant', input: 'note twenty things' });
  const stored = await runtime.runs.events(result.runId);
  await runtime.close();
  return { result, published, stored };
}

describe('a run’s stored events (not durable)', () => {
  it('read back from the memory store exactly as they were published, over several blocks', async () => {
    const { result, published, stored } = await runOn();
    expect(result.status).toBe('completed');
    expect(published.length).toBeGreaterThan(EVENT_BLOCK_SIZE);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(JSON.parse(JSON.stringify(published)));
  });

  it('reach a store that is not process-local as plain JSON text entries', async () => {
    const store = new SharedStore();
    const { published, stored } = await runOn(store);
    const blocks = store.batches.flat().filter((entry) => entry.namespace === RUN_EVENTS_NAMESPACE);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) {
      expect(Object.getPrototypeOf(block)).toBe(Object.prototype);
      expect(typeof (block as { text?: unknown }).text).toBe('string');
      // A store that sends the batch on as JSON keeps the text.
      expect(JSON.parse(JSON.stringify(block))).toEqual({
        namespace: 'events',
        key: block.key,
        text: (block as { text: string }).text,
      });
    }
    expect(stored).toHaveLength(published.length);
  });
});

describe('a run’s stored events that JSON cannot hold', () => {
  it('fail to read with store.not_json naming the event and the value, by any read path', async () => {
    const note = recordingTool('note', { sideEffects: 'none' });
    const { runtime, model, store } = scriptedRuntime(
      [{ toolCalls: [{ tool: 'note', input: { value: 'x' } }] }, { text: 'done' }],
      { tools: [note.tool] },
    );
    // A custom model that hands back a BigInt in a tool call's input.
    const generate = model.generate.bind(model);
    model.generate = async (request) => {
      const response = await generate(request);
      for (const call of response.toolCalls) (call.input as Record<string, unknown>).value = 10n;
      return response;
    };
    const result = await runtime.run({ agent: 'assistant', input: 'note a big number' });
    const read = runtime.runs.events(result.runId);
    await expect(read).rejects.toMatchObject({ code: 'store.not_json' });
    await expect(read).rejects.toThrow(
      /events of run \S+ cannot be read: event \d+ \([a-z_.]+\): data\.\S+ is a BigInt/,
    );
    const key = `${result.runId}:b00000000`;
    await expect(store.get(RUN_EVENTS_NAMESPACE, key)).rejects.toMatchObject({ code: 'store.not_json' });
    await expect(store.getMany(RUN_EVENTS_NAMESPACE, [key])).rejects.toMatchObject({
      code: 'store.not_json',
    });
    await runtime.close();
  });
});
