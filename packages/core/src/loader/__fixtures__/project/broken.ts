/** Fixture: plugins that fail in each way the loader reports. */
import { z } from 'zod';

export const futureSpec = {
  kind: 'memory' as const,
  name: 'future-memory',
  specVersion: 2,
  description: 'Implements a spec this core does not know',
  configSchema: z.object({}),
  create: () => ({ kind: 'memory' as const }),
};

export const failingCreate = {
  kind: 'memory' as const,
  name: 'failing-memory',
  specVersion: 1,
  description: 'Throws in create',
  configSchema: z.object({}),
  create: () => {
    throw new Error('cannot reach the memory server');
  },
};
