import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../contracts/json.js';
import type { StoreBatchEntry } from '../contracts/store.js';
import { DeferredJsonText } from './deferred-json-text.js';
import { MemoryStore } from './memory-store.js';

/** A deferred entry that counts how often its text was made (once at most, as the contract asks). */
class CountedText extends DeferredJsonText {
  encoded = 0;
  #text: string | undefined;
  constructor(
    readonly namespace: string,
    readonly key: string,
    private readonly value: JsonValue,
  ) {
    super();
  }
  override get text(): string {
    if (this.#text === undefined) {
      this.encoded += 1;
      this.#text = JSON.stringify(this.value);
    }
    return this.#text;
  }
}

describe('MemoryStore with deferred JSON text (a run’s event blocks)', () => {
  it('keeps the entry unencoded until it is read, then gives every reader its own copy', async () => {
    const store = new MemoryStore();
    const entry = new CountedText('events', 'run_1:b00000000', { events: [['run.started', 1]] });
    await store.setBatch([entry, { namespace: 'runs', key: 'run_1', value: { status: 'running' } }]);
    expect(entry.encoded).toBe(0);
    const read = (await store.get('events', 'run_1:b00000000')) as { events: unknown[] };
    expect(read).toEqual({ events: [['run.started', 1]] });
    read.events.push('changed by a reader');
    expect(await store.getMany('events', ['run_1:b00000000', 'missing'])).toEqual([
      { events: [['run.started', 1]] },
      undefined,
    ]);
    const listed: [string, JsonValue][] = [];
    for await (const item of store.entries('events')) listed.push(item);
    expect(listed).toEqual([['run_1:b00000000', { events: [['run.started', 1]] }]]);
    expect(await store.get('runs', 'run_1')).toEqual({ status: 'running' });
    await store.close();
  });

  it('encodes it while writing a fenced batch (one transaction, like every other entry)', async () => {
    const store = new MemoryStore();
    const lease = await store.acquireLease('run:run_1', 'me', 10_000);
    const entry = new CountedText('events', 'run_1:b00000000', { n: 1 });
    await store.setBatch([entry], { fence: { lease: lease!.name, token: lease!.token } });
    expect(entry.encoded).toBe(1);
    expect(await store.get('events', 'run_1:b00000000')).toEqual({ n: 1 });
    await store.close();
  });

  it('refuses a batch whose deferred entry has a key it cannot store, writing nothing', async () => {
    const store = new MemoryStore();
    const entries: StoreBatchEntry[] = [
      new CountedText('events', 'run_1:b00000000', { n: 1 }),
      new CountedText('events', 'bad\uD800', { n: 2 }),
    ];
    await expect(store.setBatch(entries)).rejects.toMatchObject({ code: 'store.unsupported' });
    expect(await store.get('events', 'run_1:b00000000')).toBeUndefined();
    await store.close();
  });

  it('evicts a finished run’s deferred blocks with the run, unread', async () => {
    const store = new MemoryStore({ retention: { maxRuns: 1 } });
    const blocks = ['run_1', 'run_2'].map(
      (runId) => new CountedText('events', `${runId}:b00000000`, { runId }),
    );
    for (const [index, runId] of ['run_1', 'run_2'].entries()) {
      await store.setBatch([
        blocks[index]!,
        { namespace: 'runs', key: runId, value: { runId, sessionId: runId, status: 'completed' } },
      ]);
    }
    expect(await store.get('events', 'run_1:b00000000')).toBeUndefined();
    expect(await store.get('events', 'run_2:b00000000')).toEqual({ runId: 'run_2' });
    expect(blocks[0]!.encoded).toBe(0);
    await store.close();
  });

  it('overwrites a deferred entry with a later plain write of the same key', async () => {
    const store = new MemoryStore();
    await store.setBatch([new CountedText('events', 'run_1:b00000000', { version: 1 })]);
    await store.setJsonText('events', 'run_1:b00000000', '{"version":2}');
    expect(await store.get('events', 'run_1:b00000000')).toEqual({ version: 2 });
    await store.close();
  });
});
