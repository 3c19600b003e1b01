import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../defaults/memory-store.js';
import { closeInbox, finishedRun, inboxEndRecorded, localInboxCount, postToInbox } from './run-inbox.js';

const post = (store: MemoryStore, runId: string, check?: () => Promise<void>) =>
  postToInbox(
    store,
    runId,
    { kind: 'input', text: 'late' },
    { owner: 'sender', now: Date.now(), ...(check ? { check } : {}) },
  );

describe('local inbox views in a long-lived process', () => {
  it('a post refused because the run ended leaves nothing behind, however many arrive', async () => {
    const store = new MemoryStore();
    const ended = (runId: string) => async () => {
      throw finishedRun(runId, 'completed');
    };
    await closeInbox(store, 'done-run', 0, 'run:done-run');
    // Closed in this process's view until the run's ended record is stored: refused without asking the record.
    for (let attempt = 0; attempt < 50; attempt++) {
      await expect(post(store, 'done-run')).rejects.toMatchObject({ code: 'run.finished' });
    }
    expect(localInboxCount(store)).toBe(1);
    inboxEndRecorded(store, 'done-run');
    expect(localInboxCount(store)).toBe(0);
    for (let attempt = 0; attempt < 50; attempt++) {
      await expect(post(store, 'done-run', ended('done-run'))).rejects.toMatchObject({
        code: 'run.finished',
      });
    }
    await expect(post(store, 'failed-run', ended('failed-run'))).rejects.toMatchObject({
      code: 'run.finished',
    });
    expect(localInboxCount(store)).toBe(0);
    await store.close();
  });

  it('a closed inbox stays closed to a post that comes before the run recorded its end', async () => {
    const store = new MemoryStore();
    await closeInbox(store, 'closing-run', 0, 'run:closing-run');
    // The run's record still says running (its end is not stored yet): only the closed view refuses.
    const stillRunning = async () => undefined;
    await expect(post(store, 'closing-run', stillRunning)).rejects.toMatchObject({ code: 'run.finished' });
    expect(await store.get('run-inbox', 'closing-run#1')).toBeUndefined();
    await store.close();
  });

  it('keeps the view of a run that has input waiting until the run closes its inbox', async () => {
    const store = new MemoryStore();
    expect(await post(store, 'live-run')).toBe(1);
    expect(localInboxCount(store)).toBe(1);
    expect(await closeInbox(store, 'live-run', 0, 'run:live-run')).toHaveLength(1);
    expect(await closeInbox(store, 'live-run', 1, 'run:live-run')).toEqual([]);
    inboxEndRecorded(store, 'live-run');
    expect(localInboxCount(store)).toBe(0);
    await store.close();
  });
});

/** The store as another process's view of it (not process-local): every close goes to the store. */
function shared(store: MemoryStore): MemoryStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'processLocal') return false;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('closing the inbox of a run on a shared store', () => {
  it('closes with one conditional write when nothing came, and refuses every later post', async () => {
    const store = new MemoryStore();
    const view = shared(store);
    expect(await closeInbox(view, 'quiet-run', 0, 'run:quiet-run')).toEqual([]);
    expect(await store.get('run-inbox', 'quiet-run')).toEqual({ seq: 0, closed: true });
    await expect(post(view, 'quiet-run')).rejects.toMatchObject({ code: 'run.finished' });
    await store.close();
  });

  it('hands over an input stored after the run last read, instead of closing', async () => {
    const store = new MemoryStore();
    const view = shared(store);
    expect(await post(view, 'busy-run')).toBe(1);
    const waiting = await closeInbox(view, 'busy-run', 0, 'run:busy-run');
    expect(waiting).toMatchObject([{ seq: 1, text: 'late' }]);
    expect(await store.get('run-inbox', 'busy-run')).toEqual({ seq: 1 });
    expect(await closeInbox(view, 'busy-run', 1, 'run:busy-run')).toEqual([]);
    expect(await store.get('run-inbox', 'busy-run')).toEqual({ seq: 1, closed: true });
    await store.close();
  });

  it('waits for a sender that holds the inbox lease, and takes what it stored', async () => {
    const store = new MemoryStore();
    const view = shared(store);
    // A sender (possibly an older process) between its read of the head and its write.
    const lease = (await store.acquireLease('inbox:held-run', 'sender', 10_000))!;
    const closing = closeInbox(view, 'held-run', 0, 'run:held-run');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const fence = { lease: lease.name, token: lease.token };
    await store.setMany(
      'run-inbox',
      [
        { key: 'held-run#1', value: { seq: 1, kind: 'input', text: 'sent', sentAt: 0 } },
        { key: 'held-run', value: { seq: 1 } },
      ],
      { fence },
    );
    await store.releaseLease(lease);
    expect(await closing).toMatchObject([{ seq: 1, text: 'sent' }]);
    expect(await store.get('run-inbox', 'held-run')).toEqual({ seq: 1 });
    await store.close();
  });
});
