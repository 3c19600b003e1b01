/** Fixture: a memory that shows what its deps resolve to. */
import { z } from 'zod';

interface ProbeDeps {
  baseDir: string;
  store(): unknown;
  events(): unknown;
  ids: { next(prefix: string): string };
}

export const depsProbe = {
  kind: 'memory' as const,
  name: 'deps-probe',
  specVersion: 1,
  description: 'Exposes its deps',
  configSchema: z.object({}),
  create: (_config: unknown, deps: ProbeDeps) => ({
    kind: 'memory' as const,
    store: deps.store(),
    id: deps.ids.next('probe'),
    events: () => deps.events(),
  }),
};
