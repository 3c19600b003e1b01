/** Fixture: a store plugin (the wrong kind for a memory slot). */
import { z } from 'zod';

export const myStore = {
  kind: 'store' as const,
  name: 'my-store',
  specVersion: 1,
  description: 'A store',
  configSchema: z.strictObject({}),
  create: () => ({ kind: 'store' as const, specVersion: 1 as const }),
};

/** A store that asks for the runtime's store while it is being created. */
export const selfStore = {
  ...myStore,
  name: 'self-store',
  create: (_config: unknown, deps: { store(): unknown }) => {
    deps.store();
    return { kind: 'store' as const, specVersion: 1 as const };
  },
};
