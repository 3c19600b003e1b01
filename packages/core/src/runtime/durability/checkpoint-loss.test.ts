import { MemoryStore } from '../../defaults/memory-store.js';
import { describeCheckpointLossConformance } from '../../testing/checkpoint-loss-conformance.js';

describeCheckpointLossConformance({ name: 'memory store', create: () => new MemoryStore() });
