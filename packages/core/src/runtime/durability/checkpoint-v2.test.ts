/**
 * Runs checkpointed by an earlier version (format 2, sha256 checksum) still resume: the fixture is the store
 * of a durable run saved by that version — message chunks, flushed events, inline tails — read here by
 * this one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../contracts/json.js';
import type { Message } from '../../contracts/message.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isCheckpointError } from '../../errors/agentry-error.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { StoreCheckpointer } from './checkpointer.js';
import { CHECKPOINT_NAMESPACE, CHECKPOINT_SCHEMA_VERSION } from './envelope.js';

type Dump = Record<string, Record<string, JsonValue>>;
const FIXTURE = JSON.parse(
  readFileSync(new URL('./__fixtures__/checkpoint-v2-store.json', import.meta.url), 'utf8'),
) as Dump;

async function storeOf(dump: Dump): Promise<MemoryStore> {
  const store = new MemoryStore({ retention: false });
  for (const [namespace, entries] of Object.entries(dump)) {
    for (const [key, value] of Object.entries(entries)) await store.set(namespace, key, value);
  }
  return store;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => (isCheckpointError(error) ? error.code : String(error)),
  );
}

const NONE = { runId: 'run-v2', sessionId: 'run-v2', agentId: 'assistant', firstSeq: 10, items: [] };

describe('a run checkpointed in format 2', () => {
  it('loads with every message and event, and continues in the current format', async () => {
    const store = await storeOf(FIXTURE);
    expect((FIXTURE.checkpoints!['run-v2'] as { schemaVersion: number }).schemaVersion).toBe(2);
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.2.0', inlineTailBytes: 200 });
    const loaded = await checkpointer.load('run-v2');
    expect(loaded).toMatchObject({ runId: 'run-v2', step: 4, status: 'running' });
    const messages = loaded!.patternState.messages;
    expect(messages).toHaveLength(9);
    expect(messages[7]).toMatchObject({ toolCalls: [{ input: { value: 'item 4 ✓' } }] });
    const events = await checkpointer.events('run-v2');
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events[8]).toMatchObject({
      type: 'tool.succeeded',
      runId: 'run-v2',
      data: { output: { stored: 4 } },
    });

    const added: Message[] = [{ role: 'assistant', content: 'done' }];
    const next: RunSnapshot = {
      ...loaded!,
      step: 5,
      eventSeq: 10,
      patternState: { ...loaded!.patternState, messages: [...messages, ...added] },
    };
    const event = JSON.stringify(['step.started', 10, '2026-12-01T00:00:01.000Z', { step: 5 }]);
    await checkpointer.save(next, { ...NONE, items: [event] }, 'model.responded');
    const stored = (await store.get(CHECKPOINT_NAMESPACE, 'run-v2')) as { schemaVersion: number };
    expect(stored.schemaVersion).toBe(CHECKPOINT_SCHEMA_VERSION);
    const reader = new StoreCheckpointer({ store, runtimeVersion: '0.2.0' });
    const again = await reader.load('run-v2');
    expect(again?.patternState.messages).toEqual([...messages, ...added]);
    expect((await reader.events('run-v2')).map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('is refused as corrupt when its content no longer matches its sha256 checksum', async () => {
    const head = structuredClone(FIXTURE.checkpoints!['run-v2']) as { messages: { content?: JsonValue }[] };
    head.messages[1]!.content = { stored: 5 };
    const store = await storeOf({ ...FIXTURE, checkpoints: { 'run-v2': head as unknown as JsonValue } });
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.2.0' });
    expect(await codeOf(checkpointer.load('run-v2'))).toBe('checkpoint.corrupt');
  });
});

describe('the format 3 checksum', () => {
  it('catches one changed character in an inline event, message or the head', async () => {
    const store = await storeOf(FIXTURE);
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.2.0' });
    const loaded = await checkpointer.load('run-v2');
    await checkpointer.save(loaded!, { ...NONE, items: [] }, 'tool.started');
    const text = JSON.stringify(await store.get(CHECKPOINT_NAMESPACE, 'run-v2'));
    expect(await codeOf(new StoreCheckpointer({ store, runtimeVersion: '0.2.0' }).load('run-v2'))).toBe(
      'no error',
    );
    for (const [from, to] of [
      ['"output":{"stored":4}', '"output":{"stored":5}'],
      ['"toolCallId":"call_4"', '"toolCallId":"call_5"'],
      ['"inputTokens":40', '"inputTokens":41'],
    ] as const) {
      expect(text).toContain(from);
      await store.set(CHECKPOINT_NAMESPACE, 'run-v2', JSON.parse(text.replace(from, to)) as JsonValue);
      const reader = new StoreCheckpointer({ store, runtimeVersion: '0.2.0' });
      expect(await codeOf(reader.load('run-v2'))).toBe('checkpoint.corrupt');
    }
  });
});
