/** A memory store whose checkpoint writes fail on cue, like an unreachable backend. */
import type { StoreBatchEntry, StoreSetOptions, StoreWriteOptions } from '../../../contracts/store.js';
import { MemoryStore } from '../../../defaults/memory-store.js';
import { StoreError } from '../../../errors/agentry-error.js';
import { CHECKPOINT_NAMESPACE } from '../envelope.js';

/** A memory store whose `failAt`-th checkpoint write (1-based) fails like an unreachable backend. */
export class FlakyStore extends MemoryStore {
  checkpointWrites = 0;
  constructor(private readonly failAt: number) {
    super();
  }

  override async setJsonText(namespace: string, key: string, text: string, options?: StoreSetOptions) {
    if (namespace === CHECKPOINT_NAMESPACE && ++this.checkpointWrites === this.failAt) {
      throw new StoreError('store.unavailable', {
        message: 'memory store could not write: connection reset',
        hint: 'none',
        retryable: true,
      });
    }
    return super.setJsonText(namespace, key, text, options);
  }

  // A fenced save writes its head in one batch with the rest of the checkpoint.
  override async setBatch(entries: readonly StoreBatchEntry[], options?: StoreWriteOptions) {
    const head = entries.some((entry) => entry.namespace === CHECKPOINT_NAMESPACE);
    if (head && ++this.checkpointWrites === this.failAt) {
      throw new StoreError('store.unavailable', {
        message: 'memory store could not write: connection reset',
        hint: 'none',
        retryable: true,
      });
    }
    return super.setBatch(entries, options);
  }
}
