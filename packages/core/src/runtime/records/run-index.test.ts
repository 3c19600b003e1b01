import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../contracts/json.js';
import type { RunRecord, RunStatus } from '../../contracts/run.js';
import { MemoryStore } from '../../defaults/memory-store.js';
import { RUN_INDEX_NAMESPACE } from './run-index.js';
import { RUNS_NAMESPACE, RunRecords } from './run-records.js';

function record(index: number, status: RunStatus = 'completed'): RunRecord {
  // Two runs per second: pages must keep runs created in the same millisecond apart.
  const createdAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(index / 2) * 1000).toISOString();
  return {
    runId: `run_${String(index).padStart(4, '0')}`,
    sessionId: `session_${index % 7}`,
    agentId: index % 3 === 0 ? 'reviewer' : 'assistant',
    status,
    input: `task ${index}`,
    durable: true,
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      totalTokens: 2,
      costUsd: 0,
      modelCalls: 1,
      toolCalls: 0,
      durationMs: 1,
    },
    pending: [],
    createdAt,
    updatedAt: createdAt,
  };
}

/** A memory store that counts what is read from the runs namespace. */
class CountingStore extends MemoryStore {
  recordsRead = 0;
  recordScans = 0;
  override getMany<T extends JsonValue = JsonValue>(namespace: string, keys: readonly string[]) {
    if (namespace === RUNS_NAMESPACE) this.recordsRead += keys.length;
    return super.getMany<T>(namespace, keys);
  }
  override entries<T extends JsonValue = JsonValue>(namespace: string) {
    if (namespace === RUNS_NAMESPACE) this.recordScans += 1;
    return super.entries<T>(namespace);
  }
}

/** A store holding `count` records written before the index existed (no `run-index` entries). */
async function oldStore(count: number): Promise<CountingStore> {
  const store = new CountingStore({ retention: false });
  await store.setMany(
    RUNS_NAMESPACE,
    Array.from({ length: count }, (_, index) => ({
      key: record(index).runId,
      value: record(index, index % 10 === 0 ? 'suspended' : 'completed') as unknown as JsonValue,
    })),
  );
  return store;
}

describe('the runs-list index', () => {
  it('is built once from the records of an older store, then a page reads only its own records', async () => {
    const store = await oldStore(1000);
    const records = new RunRecords(store);
    const first = await records.list({ limit: 50 });
    expect(first.map((run) => run.runId)).toEqual(
      Array.from({ length: 50 }, (_, index) => record(999 - index).runId),
    );
    expect(store.recordScans).toBe(1);
    store.recordsRead = 0;
    const again = await new RunRecords(store).list({ limit: 50, status: 'suspended' });
    expect(again).toHaveLength(50);
    expect(again.every((run) => run.status === 'suspended')).toBe(true);
    // No second scan of the records (the build is marked done in the store); 50 records read, not 1000.
    expect(store.recordScans).toBe(1);
    expect(store.recordsRead).toBeLessThan(100);
  });

  it('pages with `after` through every run once, newest first, runs of the same millisecond included', async () => {
    const records = new RunRecords(await oldStore(95));
    const seen: string[] = [];
    let after: { runId: string; createdAt: string } | undefined;
    for (;;) {
      const page = await records.list({ limit: 10, ...(after ? { after } : {}) });
      seen.push(...page.map((run) => run.runId));
      const last = page.at(-1);
      if (page.length < 10 || !last) break;
      after = { runId: last.runId, createdAt: last.createdAt };
    }
    expect(seen).toEqual(Array.from({ length: 95 }, (_, index) => record(94 - index).runId));
  });

  it('filters by creation time, and a cursor whose run is gone continues with older runs', async () => {
    const records = new RunRecords(await oldStore(20));
    const window = await records.list({ since: record(10).createdAt, until: record(14).createdAt });
    expect(window.map((run) => run.runId)).toEqual(['run_0013', 'run_0012', 'run_0011', 'run_0010']);
    const gone = await records.list({
      limit: 3,
      after: { runId: 'run_gone', createdAt: record(6).createdAt },
    });
    expect(gone.map((run) => run.runId)).toEqual(['run_0005', 'run_0004', 'run_0003']);
  });

  it('trusts the record over a stale entry, and skips an entry whose record is gone', async () => {
    const store = await oldStore(10);
    const records = new RunRecords(store);
    await records.list();
    // The record changed behind the index's back (a writer of an older version), and one was deleted.
    await store.set(RUNS_NAMESPACE, 'run_0000', {
      ...record(0),
      status: 'completed',
    } as unknown as JsonValue);
    await store.delete(RUNS_NAMESPACE, 'run_0009');
    expect((await records.list({ status: 'suspended' })).map((run) => run.runId)).toEqual([]);
    expect((await records.list({ limit: 2 })).map((run) => run.runId)).toEqual(['run_0008', 'run_0007']);
    expect(await store.get(RUN_INDEX_NAMESPACE, 'run_0009')).toBeDefined();
  });
});
