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
