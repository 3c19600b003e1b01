/** A durable run's fenced saves on a store with `setBatch`: one write per save, the checkpoint whole after each. */
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../contracts/json.js';
import type { Runtime } from '../../contracts/runtime.js';
import type { StoreBatchEntry, StoreSetOptions, StoreWriteOptions } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { configRuntime } from '../__fixtures__/config-runtime.js';
import { noteTool as note } from '../__fixtures__/note-tool.js';
import { CHECKPOINT_DATA_NAMESPACE, CHECKPOINT_NAMESPACE } from './envelope.js';

const CHECKPOINT_PARTS = new Set([CHECKPOINT_NAMESPACE, CHECKPOINT_DATA_NAMESPACE, 'events']);

/** Records every write: batches with their namespaces, and single writes to checkpoint namespaces. */
class RecordingStore extends MemoryStore {
  readonly batches: string[][] = [];
  singleCheckpointWrites = 0;

  constructor() {
    super({ retention: false });
  }

  override async setBatch(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions) {
    this.batches.push(entries.map((entry) => entry.namespace));
    return super.setBatch(entries, options);
  }

  override async set(namespace: string, key: string, value: JsonValue, options?: StoreSetOptions) {
    if (CHECKPOINT_PARTS.has(namespace) && options?.fence !== undefined) this.singleCheckpointWrites += 1;
    return super.set(namespace, key, value, options);
  }

  override async setJsonText(namespace: string, key: string, text: string, options?: StoreSetOptions) {
    if (CHECKPOINT_PARTS.has(namespace) && options?.fence !== undefined) this.singleCheckpointWrites += 1;
    return super.setJsonText(namespace, key, text, options);
  }
}

const opened: Runtime[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((runtime) => runtime.close()));
});

describe('durable saves on a store with setBatch', () => {
  it('write each checkpoint in one batch (head with its chunks, events and first record) and resume from it', async () => {
    const script = [
      ...Array.from({ length: 12 }, (_, index) => ({
        toolCalls: [{ tool: 'note', input: { value: `note ${index} ${'x'.repeat(400)}` } }],
      })),
      'done',
    ];
    const store = new RecordingStore();
    const { runtime } = await configRuntime(script, { durable: true }, { tools: [note], store });
    opened.push(runtime);
    const result = await runtime.run({ agent: 'assistant', input: 'take notes' });
    expect(result.status).toBe('completed');
    expect(store.singleCheckpointWrites).toBe(0);
    // Every checkpoint batch holds exactly one head; the first also the first-checkpoint record, later ones
    // flushed events. The other batches are the run record with its runs-list entry.
    const saves = store.batches.filter((batch) => batch.some((name) => CHECKPOINT_PARTS.has(name)));
    for (const batch of saves) expect(batch.filter((name) => name === CHECKPOINT_NAMESPACE)).toHaveLength(1);
    for (const batch of store.batches.filter((batch) => !saves.includes(batch)))
      expect(batch).toEqual(['runs', 'run-index']);
    expect(saves[0]).toContain(CHECKPOINT_DATA_NAMESPACE);
    expect(saves.some((batch) => batch.includes('events'))).toBe(true);
    const events = await runtime.runs.events(result.runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.type).toBe('run.completed');
  });
});
