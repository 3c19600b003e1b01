import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../defaults/memory-store.js';
import { closeInbox, finishedRun, localInboxCount, postToInbox } from './run-inbox.js';

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
    await closeInbox(store, 'done-run', 0, 'run:done-run');
    for (let attempt = 0; attempt < 50; attempt++) {
      await expect(post(store, 'done-run')).rejects.toMatchObject({ code: 'run.finished' });
    }
    const ended = async () => {
      throw finishedRun('failed-run', 'failed');
    };
    await expect(post(store, 'failed-run', ended)).rejects.toMatchObject({ code: 'run.finished' });
    expect(localInboxCount(store)).toBe(0);
    await store.close();
  });

  it('keeps the view of a run that has input waiting until the run closes its inbox', async () => {
    const store = new MemoryStore();
    expect(await post(store, 'live-run')).toBe(1);
    expect(localInboxCount(store)).toBe(1);
    expect(await closeInbox(store, 'live-run', 0, 'run:live-run')).toHaveLength(1);
    expect(await closeInbox(store, 'live-run', 1, 'run:live-run')).toEqual([]);
    expect(localInboxCount(store)).toBe(0);
    await store.close();
  });
});
