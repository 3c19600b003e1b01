import { describeQueueConformance } from '../testing/queue-conformance.js';
import { LocalQueue } from './local-queue.js';

describeQueueConformance({ name: 'local', create: () => new LocalQueue() });
