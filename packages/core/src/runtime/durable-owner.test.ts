import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../defaults/memory-store.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { StoreCheckpointer } from './checkpointer.js';
import { RunOwner, runLeaseName } from './durable-owner.js';
import type { RunSnapshot } from './run-snapshot.js';

const stores: MemoryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function snapshot(runId: string, status: RunSnapshot['status']): RunSnapshot {
  return {
    runId,
    sessionId: 's',
    agentId: 'a',
    input: 'hi',
    durable: true,
    status,
    step: 0,
    patternState: { messages: [{ role: 'user', content: 'hi' }] },
    memoryMessages: [],
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      modelCalls: 0,
      toolCalls: 0,
      durationMs: 0,
    },
    ledger: {},
    pending: [],
    sticky: {},
    decisions: {},
    eventSeq: 0,
    resumeAttempts: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('RunOwner', () => {
  it('refuses a second owner while the first holds the run, naming the holder', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const ownership = await new RunOwner({ store, owner: 'worker-a' }).acquire('run-1');
    const error = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1').catch((caught) => caught);
    expect(isAgentryError(error) && error.code).toBe('run.not_resumable');
    expect(error.message).toContain('worker-a');
    await ownership.release();
    const next = await new RunOwner({ store, owner: 'worker-b' }).acquire('run-1');
    expect(next.lease.owner).toBe('worker-b');
    await next.release();
  });

  it('refuses to run the same run twice at once in one process', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const first = await owner.acquire('run-2');
    await expect(owner.acquire('run-2')).rejects.toMatchObject({ code: 'run.not_resumable' });
    await first.release();
    await (await owner.acquire('run-2')).release();
  });

  it('keeps the lease alive with its heartbeat beyond the ttl', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const ownership = await new RunOwner({ store, owner: 'worker-a', ttlMs: 60 }).acquire('run-3');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await store.readLease(runLeaseName('run-3')))?.owner).toBe('worker-a');
    expect(ownership.lost).toBe(false);
    await ownership.release();
    expect(await store.readLease(runLeaseName('run-3'))).toBeUndefined();
  });

  it('finds running runs whose owner is gone, and only those', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const checkpointer = new StoreCheckpointer({ store, runtimeVersion: 'test' });
    await checkpointer.save(snapshot('crashed', 'running'), [], 'run.started');
    await checkpointer.save(snapshot('alive', 'running'), [], 'run.started');
    await checkpointer.save(snapshot('suspended', 'suspended'), [], 'run.suspended');
    const owner = new RunOwner({ store, owner: 'worker-a' });
    const alive = await owner.acquire('alive');
    // A crashed owner: its lease was taken with a short ttl and never renewed.
    await store.acquireLease(runLeaseName('crashed'), 'dead-worker', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await owner.orphans()).toEqual(['crashed']);
    expect(await owner.isOrphaned('crashed')).toBe(true);
    expect(await owner.isOrphaned('alive')).toBe(false);
    await alive.release();
  });
});
