import { afterEach, describe, expect, it } from 'vitest';
import type { AnyAgentryEvent } from '../../contracts/events.js';
import type { JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import type { Store } from '../../contracts/store.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isAgentryError } from '../../errors/agentry-error.js';
import { type EncodedRunEvents, encodeEvent } from '../records/event-log.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { readCheckpointedEvents } from './checkpointed-events.js';
import { StoreCheckpointer } from './checkpointer.js';
import { CHECKPOINT_DATA_NAMESPACE, CHECKPOINT_NAMESPACE, CHECKPOINT_SCHEMA_VERSION } from './envelope.js';

const stores: MemoryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function newStore(): MemoryStore {
  const store = new MemoryStore();
  stores.push(store);
  return store;
}

function snapshotOf(runId: string, messages: Message[], extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    runId,
    sessionId: 'session-1',
    agentId: 'assistant',
    input: 'hello',
    durable: true,
    status: 'running',
    step: messages.length,
    patternState: { messages, plan: ['look', 'act'] },
    memoryMessages: [{ role: 'user', content: 'earlier turn' }],
    usage: {
      inputTokens: 1,
      outputTokens: 2,
      totalTokens: 3,
      costUsd: 0,
      modelCalls: 1,
      toolCalls: 0,
      durationMs: 5,
    },
    ledger: {},
    pending: [],
    sticky: {},
    decisions: {},
    eventSeq: 0,
    resumeAttempts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const seqs = new Map<string, number>();
let seq = 0;
/** The next `count` events of a run (seq starts at 1 per run); `seq` is left at the last one. */
function eventsOf(runId: string, count: number): AnyAgentryEvent[] {
  seq = seqs.get(runId) ?? 0;
  seqs.set(runId, seq + count);
  return Array.from({ length: count }, () => ({
    type: 'step.started',
    runId,
    sessionId: 'session-1',
    agentId: 'assistant',
    seq: ++seq,
    time: '2026-01-01T00:00:00.000Z',
    data: { step: seq },
  }));
}

function turn(index: number, size = 40): Message[] {
  return [
    {
      role: 'assistant',
      content: `thinking ${index}`,
      toolCalls: [{ id: `t${index}`, name: 'add', input: { a: index } }],
    },
    { role: 'tool', toolCallId: `t${index}`, toolName: 'add', content: 'x'.repeat(size) },
  ];
}

/** Events as the runtime hands them to a save: their stored texts. */
function encoded(events: AnyAgentryEvent[]): EncodedRunEvents {
  const first = events[0] as AnyAgentryEvent;
  return { ...first, firstSeq: first.seq, items: events.map(encodeEvent) };
}

/** A save with no new events. */
const NONE: EncodedRunEvents = { runId: '', sessionId: '', agentId: '', firstSeq: 0, items: [] };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAgentryError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('StoreCheckpointer', () => {
  it('loads exactly what was saved, messages, memory and ledger included', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 100 });
    let messages: Message[] = [{ role: 'user', content: 'hello' }];
    for (let index = 0; index < 12; index++) {
      messages = [...messages, ...turn(index)];
      await checkpointer.save(snapshotOf('run-a', messages), NONE, 'tool.finished');
    }
    const snapshot = snapshotOf('run-a', messages, {
      ledger: {
        c1: {
          callId: 'c1',
          tool: 'add',
          input: { a: 1 },
          inputHash: 'h',
          sideEffects: 'unsafe',
          status: 'started',
          attempts: 1,
        },
      },
    });
    await checkpointer.save(snapshot, NONE, 'tool.started');

    const loaded = await new StoreCheckpointer({ store, runtimeVersion: '0.1.0' }).load('run-a');
    expect(loaded).toEqual(snapshot);
    expect(await checkpointer.load('missing')).toBeUndefined();
  });

  it('works with a store that has no setJsonText, and keeps key order it cannot sort (integer-like keys)', async () => {
    const store = newStore();
    const plain: Store = Object.create(store);
    Object.defineProperty(plain, 'setJsonText', { value: undefined });
    expect(plain.setJsonText).toBeUndefined();
    const checkpointer = new StoreCheckpointer({ store: plain, runtimeVersion: '0.1.0' });
    const messages = [
      { role: 'user', content: 'hello' },
      {
        role: 'tool',
        toolCallId: 't',
        toolName: 'status',
        content: { ok: true, 404: 'missing', 200: 'found' },
      },
    ] as unknown as Message[];
    await checkpointer.save(snapshotOf('run-p', messages), NONE, 'tool.finished');
    const loaded = await new StoreCheckpointer({ store, runtimeVersion: '0.1.0' }).load('run-p');
    expect(loaded?.patternState.messages).toEqual(messages);
  });

  it('lets the store defer the flush of saves that precede nothing with side effects, never of tool.started or the final save', async () => {
    const store = newStore();
    const deferred = new Map<string, boolean>();
    const recording: Store = Object.create(store);
    recording.setJsonText = (namespace, key, text, options) => {
      if (namespace === CHECKPOINT_NAMESPACE)
        deferred.set(JSON.parse(text).head.reason, options?.deferFlush === true);
      return store.setJsonText(namespace, key, text, options);
    };
    const checkpointer = new StoreCheckpointer({ store: recording, runtimeVersion: '0.1.0' });
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const reasons = [
      'model.responded',
      'tool.started',
      'tool.finished',
      'run.suspended',
      'run.finished',
    ] as const;
    for (const reason of reasons) await checkpointer.save(snapshotOf('run-q', messages), NONE, reason);
    expect(Object.fromEntries(deferred)).toEqual({
      'model.responded': true,
      'tool.started': false,
      'tool.finished': true,
      'run.suspended': false,
      'run.finished': false,
    });
  });

  it('reads nothing back while saving a fresh run, event flushes included', async () => {
    const store = newStore();
    let reads = 0;
    const counting: Store = Object.create(store);
    counting.get = (namespace, key) => {
      reads += 1;
      return store.get(namespace, key);
    };
    counting.getMany = (namespace, keys) => {
      reads += 1;
      return store.getMany(namespace, keys);
    };
    const checkpointer = new StoreCheckpointer({
      store: counting,
      runtimeVersion: '0.1.0',
      inlineTailBytes: 200,
    });
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const all: AnyAgentryEvent[] = [];
    await checkpointer.save(snapshotOf('run-r', messages), NONE, 'model.responded', { fresh: true });
    for (let index = 0; index < 10; index++) {
      const events = eventsOf('run-r', 3);
      all.push(...events);
      await checkpointer.save(
        snapshotOf('run-r', messages, { eventSeq: seq }),
        encoded(events),
        'tool.finished',
      );
    }
    expect(reads).toBe(0);
    expect(await readCheckpointedEvents(store, 'run-r')).toEqual(all);
  });

  it('writes only the new messages per save, so the head stays small at step 100', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
    let messages: Message[] = [{ role: 'user', content: 'hello' }];
    const headBytes: number[] = [];
    for (let index = 0; index < 100; index++) {
      messages = [...messages, ...turn(index, 400)];
      await checkpointer.save(snapshotOf('run-b', messages), NONE, 'tool.finished');
      headBytes.push(JSON.stringify(await store.get(CHECKPOINT_NAMESPACE, 'run-b')).length);
    }
    // The head holds at most the inline tail (4 KiB by default, plus the save that passed it) besides its fixed part.
    expect(Math.max(...headBytes.slice(50))).toBeLessThan(12 * 1024);
    const chunkKeys: string[] = [];
    for await (const [key] of store.entries(CHECKPOINT_DATA_NAMESPACE)) chunkKeys.push(key);
    expect(chunkKeys.filter((key) => key.startsWith('msg:run-b:0:')).length).toBeGreaterThan(5);
    const loaded = await checkpointer.load('run-b');
    expect(loaded?.patternState.messages).toEqual(messages);
  });

  it('writes a chunk per save when the inline tail is disabled, and starts a new generation after a rewrite', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    const messages: Message[] = [{ role: 'user', content: 'hello' }, ...turn(1), ...turn(2)];
    await checkpointer.save(snapshotOf('run-c', messages), NONE, 'tool.finished');
    const compacted: Message[] = [{ role: 'user', content: 'summary of the run so far' }, ...turn(3)];
    await checkpointer.save(snapshotOf('run-c', compacted), NONE, 'tool.finished');

    expect((await checkpointer.head('run-c'))?.messages.generation).toBe(1);
    expect((await checkpointer.load('run-c'))?.patternState.messages).toEqual(compacted);
    expect(await store.get(CHECKPOINT_DATA_NAMESPACE, 'msg:run-c:0:0')).toBeUndefined();
  });

  it('keeps appending after a resume even when the pattern cloned the loaded messages', async () => {
    const store = newStore();
    const first = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    const messages: Message[] = [{ role: 'user', content: 'hello' }, ...turn(1)];
    await first.save(snapshotOf('run-d', messages), NONE, 'tool.finished');

    const second = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    const loaded = (await second.load('run-d')) as RunSnapshot;
    const cloned = structuredClone(loaded.patternState.messages);
    await second.save(snapshotOf('run-d', [...cloned, ...turn(2)]), NONE, 'tool.finished');
    expect((await second.head('run-d'))?.messages).toMatchObject({ generation: 0, chunks: 2 });
  });

  it('leaves the previous checkpoint whole when the head write fails after the chunks were written', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    const messages: Message[] = [{ role: 'user', content: 'hello' }, ...turn(1)];
    await checkpointer.save(snapshotOf('run-e', messages), NONE, 'tool.finished');

    const failing = Object.create(store) as MemoryStore;
    failing.set = failing.setJsonText = async () => {
      throw new Error('disk full');
    };
    const broken = new StoreCheckpointer({ store: failing, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    await broken.load('run-e');
    await expect(
      broken.save(snapshotOf('run-e', [...messages, ...turn(2)]), NONE, 'tool.finished'),
    ).rejects.toThrow('disk full');
    // The orphan chunk is ignored: the head still references one chunk.
    expect(await store.get(CHECKPOINT_DATA_NAMESPACE, 'msg:run-e:0:1')).toBeDefined();
    expect((await checkpointer.load('run-e'))?.patternState.messages).toEqual(messages);
  });

  it('stores a consistent checkpoint even when the run changes its state while the write is in flight', async () => {
    const store = newStore();
    const snapshot = snapshotOf('run-m', [{ role: 'user', content: 'hello' }]);
    const slow = Object.create(store) as MemoryStore;
    slow.setJsonText = async (namespace, key, text) => {
      // The run moves on (a concurrent tool call settles) before the store writes the head.
      snapshot.usage.toolCalls = 7;
      snapshot.patternState.messages.push(...turn(1));
      await new Promise((resolve) => setImmediate(resolve));
      return store.setJsonText(namespace, key, text);
    };
    await new StoreCheckpointer({ store: slow, runtimeVersion: '0.1.0' }).save(
      snapshot,
      NONE,
      'tool.started',
    );
    const loaded = await new StoreCheckpointer({ store, runtimeVersion: '0.1.0' }).load('run-m');
    expect(loaded?.usage.toolCalls).toBe(0);
    expect(loaded?.patternState.messages).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('names the path of a value that is not plain JSON and writes nothing', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
    const messages = [
      { role: 'user', content: 'hello' },
      ...turn(1),
      { role: 'tool', toolCallId: 't', toolName: 'count', content: { count: 10n } },
    ] as unknown as Message[];
    const error = await checkpointer
      .save(snapshotOf('run-f', messages), NONE, 'tool.finished')
      .catch((caught) => caught);
    expect(error.code).toBe('checkpoint.not_serializable');
    expect(error.message).toContain('patternState.messages[3].content.count');
    expect(await store.get(CHECKPOINT_NAMESPACE, 'run-f')).toBeUndefined();
  });

  it('refuses a tampered, newer or foreign checkpoint with a typed error', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({
      store,
      runtimeVersion: '0.1.0',
      configHash: (agentId) => (agentId === 'assistant' ? 'hash-1' : undefined),
    });
    await checkpointer.save(
      snapshotOf('run-g', [{ role: 'user', content: 'hello' }]),
      NONE,
      'model.responded',
    );
    const head = (await store.get(CHECKPOINT_NAMESPACE, 'run-g')) as Record<string, JsonValue>;

    const body = head.head as Record<string, JsonValue>;
    expect(body.step).toBe(1);
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', { ...head, head: { ...body, step: 99 } });
    expect(await codeOf(checkpointer.load('run-g'))).toBe('checkpoint.corrupt');
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', {
      ...head,
      messages: [{ role: 'user', content: 'forged' }],
    });
    expect(await codeOf(checkpointer.load('run-g'))).toBe('checkpoint.corrupt');
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', { ...head, schemaVersion: CHECKPOINT_SCHEMA_VERSION + 1 });
    expect(await codeOf(checkpointer.load('run-g'))).toBe('checkpoint.unsupported_version');
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', { ...head, schemaVersion: 1 });
    expect(await codeOf(checkpointer.load('run-g'))).toBe('checkpoint.unsupported_version');
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', 'not an envelope');
    expect(await codeOf(checkpointer.load('run-g'))).toBe('checkpoint.corrupt');
    await store.set(CHECKPOINT_NAMESPACE, 'run-g', head);
    const other = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', configHash: () => 'hash-2' });
    expect(await codeOf(other.load('run-g'))).toBe('checkpoint.mismatch');
    expect(await codeOf(checkpointer.load('run-g'))).toBe('no error');
  });

  it('detects a missing or overwritten message chunk', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    await checkpointer.save(
      snapshotOf('run-h', [{ role: 'user', content: 'hello' }, ...turn(1)]),
      NONE,
      'tool.finished',
    );
    await store.set(CHECKPOINT_DATA_NAMESPACE, 'msg:run-h:0:0', [{ role: 'user', content: 'forged' }]);
    expect(await codeOf(checkpointer.load('run-h'))).toBe('checkpoint.corrupt');
    await store.delete(CHECKPOINT_DATA_NAMESPACE, 'msg:run-h:0:0');
    expect(await codeOf(checkpointer.load('run-h'))).toBe('checkpoint.corrupt');
  });

  it('keeps events contiguous: inline ones in the head, flushed ones under their keys, all of them at the end', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 400 });
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const all: AnyAgentryEvent[] = [];
    for (let index = 0; index < 10; index++) {
      const events = eventsOf('run-i', 2);
      all.push(...events);
      await checkpointer.save(
        snapshotOf('run-i', messages, { eventSeq: seq }),
        encoded(events),
        'model.responded',
      );
      expect(await readCheckpointedEvents(store, 'run-i')).toEqual(all);
    }
    expect(await checkpointer.events('run-i', { afterSeq: all[14]?.seq })).toEqual(all.slice(15));
    const last = eventsOf('run-i', 1);
    all.push(...last);
    await checkpointer.save(
      snapshotOf('run-i', messages, { eventSeq: seq, status: 'completed' }),
      encoded(last),
      'run.finished',
    );
    expect((await checkpointer.head('run-i'))?.events.tail).toEqual([]);
    expect(await readCheckpointedEvents(store, 'run-i')).toEqual(all);
  });

  it('hides events a crashed process flushed after its last checkpoint, and the resumed run replaces them', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const kept = eventsOf('run-j', 3);
    await checkpointer.save(snapshotOf('run-j', messages, { eventSeq: 3 }), encoded(kept), 'model.responded');
    const failing = Object.create(store) as MemoryStore;
    failing.set = failing.setJsonText = async () => {
      throw new Error('killed');
    };
    const crashed = new StoreCheckpointer({ store: failing, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    await crashed.load('run-j');
    const lost = eventsOf('run-j', 2);
    await expect(
      crashed.save(snapshotOf('run-j', messages, { eventSeq: 5 }), encoded(lost), 'tool.started'),
    ).rejects.toThrow('killed');
    expect(await readCheckpointedEvents(store, 'run-j')).toEqual(kept);

    const resumed = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    expect((await resumed.load('run-j'))?.eventSeq).toBe(3);
    seqs.set('run-j', 3);
    const again = eventsOf('run-j', 1).map((event) => ({ ...event, data: { step: 99 } }) as AnyAgentryEvent);
    await resumed.save(
      snapshotOf('run-j', messages, { eventSeq: 4, status: 'completed' }),
      encoded(again),
      'run.finished',
    );
    expect(await readCheckpointedEvents(store, 'run-j')).toEqual([...kept, ...again]);
  });

  it('applies concurrent saves of one run in call order', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
    const messages: Message[] = [{ role: 'user', content: 'hello' }];
    const first = eventsOf('run-k', 1);
    const second = eventsOf('run-k', 1);
    await Promise.all([
      checkpointer.save(snapshotOf('run-k', messages, { eventSeq: seq - 1 }), encoded(first), 'tool.started'),
      checkpointer.save(snapshotOf('run-k', messages, { eventSeq: seq }), encoded(second), 'tool.started'),
    ]);
    expect(await checkpointer.events('run-k')).toEqual([...first, ...second]);
  });

  it('discards every record of a run', async () => {
    const store = newStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0', inlineTailBytes: 0 });
    await checkpointer.save(
      snapshotOf('run-l', [{ role: 'user', content: 'hello' }, ...turn(1)]),
      NONE,
      'tool.finished',
    );
    await checkpointer.discard('run-l');
    expect(await checkpointer.load('run-l')).toBeUndefined();
    const left: string[] = [];
    for await (const [key] of store.entries(CHECKPOINT_DATA_NAMESPACE)) left.push(key);
    expect(left).toEqual([]);
  });
});
