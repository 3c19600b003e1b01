/** The checkpoint format on read: the snapshot's shape is checked, older versions go through `migrate`. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../contracts/json.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { isCheckpointError } from '../../errors/agentry-error.js';
import type { RunSnapshot } from '../snapshot/run-snapshot.js';
import { StoreCheckpointer } from './checkpointer.js';
import { appendTail, emptyTail } from './checkpointer-log.js';
import {
  CHECKPOINT_MIGRATIONS,
  CHECKPOINT_NAMESPACE,
  CHECKPOINT_SCHEMA_VERSION,
  type CheckpointMigration,
  sealEnvelope,
} from './envelope.js';
import { messagesProblem, snapshotProblem } from './snapshot-guard.js';

const snapshot: RunSnapshot = {
  runId: 'run-1',
  sessionId: 'run-1',
  agentId: 'assistant',
  input: 'hello',
  durable: true,
  status: 'running',
  step: 1,
  patternState: { messages: [{ role: 'user', content: 'hello' }] },
  memoryMessages: [],
  usage: {
    inputTokens: 1,
    outputTokens: 1,
    totalTokens: 2,
    costUsd: 0,
    modelCalls: 1,
    toolCalls: 1,
    durationMs: 3,
  },
  ledger: {
    c1: {
      callId: 'c1',
      tool: 'send',
      input: {},
      inputHash: 'h',
      sideEffects: 'unsafe',
      status: 'started',
      attempts: 1,
    },
  },
  pending: [],
  sticky: {},
  decisions: {},
  eventSeq: 0,
  resumeAttempts: 0,
  startedAt: '2026-01-01T00:00:00.000Z',
};
const NONE = { runId: 'run-1', sessionId: 'run-1', agentId: 'assistant', firstSeq: 1, items: [] };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: unknown) => (isCheckpointError(error) ? error.code : String(error)),
  );
}

/** Re-seals a stored head after `edit` changed its body, so only the shape check can catch the change. */
function resealed(
  stored: Record<string, JsonValue>,
  edit: (body: Record<string, JsonValue>) => void,
): JsonValue {
  const body = structuredClone(stored.head) as Record<string, JsonValue>;
  edit(body);
  const tail = (items: JsonValue) =>
    appendTail(
      emptyTail(),
      (items as JsonValue[]).map((item) => JSON.stringify(item)),
    );
  return JSON.parse(
    sealEnvelope(JSON.stringify(body), tail(stored.messages!), tail(stored.events!)),
  ) as JsonValue;
}

describe('snapshot guard', () => {
  it('accepts a run snapshot and names the first field at fault otherwise', () => {
    const { patternState: _p, memoryMessages: _m, ...stored } = snapshot;
    const head = { ...stored, patternState: {} };
    expect(snapshotProblem(head)).toBeUndefined();
    expect(snapshotProblem({ ...head, status: 'paused' })).toBe(
      'snapshot.status is missing or has the wrong type',
    );
    expect(snapshotProblem({ ...head, ledger: { c1: { callId: 'c1' } } })).toMatch(/snapshot\.ledger/);
    expect(snapshotProblem({ ...head, usage: { ...head.usage, costUsd: -1 } })).toMatch(/snapshot\.usage/);
    expect(snapshotProblem(null)).toMatch(/not an object/);
    expect(messagesProblem('messages', [{ role: 'user', content: 'x' }, { content: 'no role' }])).toBe(
      'messages[1] is not a message (no known role)',
    );
  });

  it('refuses a checksummed head whose snapshot lost a field the runtime relies on', async () => {
    const store = new MemoryStore();
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
    await checkpointer.save(snapshot, NONE, 'tool.started');
    const stored = (await store.get(CHECKPOINT_NAMESPACE, 'run-1')) as Record<string, JsonValue>;
    await store.set(
      CHECKPOINT_NAMESPACE,
      'run-1',
      resealed(stored, (body) => {
        delete (body.snapshot as Record<string, JsonValue>).ledger;
      }),
    );
    const error = await checkpointer.load('run-1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'checkpoint.corrupt',
      message: expect.stringContaining('snapshot.ledger'),
    });
  });
});

describe('migrate', () => {
  /** A made-up version 1 that stored the head under `body`: what a real format change would look like. */
  const fromVersion1: CheckpointMigration = ({ body, ...rest }) => ({
    ...rest,
    schemaVersion: 2,
    head: body,
  });
  /** A format 2 record (as an earlier version wrote it), see `checkpoint-v2.test.ts`. */
  const version2 = (
    JSON.parse(
      readFileSync(new URL('./__fixtures__/checkpoint-v2-store.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, JsonValue>>
  ).checkpoints!['run-v2'] as Record<string, JsonValue>;

  it('reads an older head through the migrations, one version after another, and refuses it without one', async () => {
    const store = new MemoryStore();
    const { head, ...rest } = version2;
    await store.set(CHECKPOINT_NAMESPACE, 'run-v2', { ...rest, schemaVersion: 1, body: head! });

    const plain = new StoreCheckpointer({ store, runtimeVersion: '0.1.0' });
    expect(await codeOf(plain.head('run-v2'))).toBe('checkpoint.unsupported_version');
    const migrating = new StoreCheckpointer({
      store,
      runtimeVersion: '0.1.0',
      migrations: new Map([...CHECKPOINT_MIGRATIONS, [1, fromVersion1]]),
    });
    const loaded = await migrating.head('run-v2');
    expect(loaded).toMatchObject({ schemaVersion: CHECKPOINT_SCHEMA_VERSION, step: 4, eventSeq: 9 });
    expect(loaded?.messages.tail).toHaveLength(2);
  });
});
