/** Fixture: an event bus that wraps an inner bus loaded through deps.load. */
import { z } from 'zod';

interface Bus {
  kind: 'event-bus';
  inner?: Bus;
}

export const plainBus = {
  kind: 'event-bus' as const,
  name: 'plain-bus',
  specVersion: 1,
  description: 'Does nothing',
  configSchema: z.object({}),
  create: (): Bus => ({ kind: 'event-bus' }),
};

export const wrappingBus = {
  kind: 'event-bus' as const,
  name: 'wrapping-bus',
  specVersion: 1,
  description: 'Wraps another bus',
  configSchema: z.strictObject({ inner: z.unknown() }),
  create: async (
    config: { inner: unknown },
    deps: { load(kind: string, slot: unknown, path: (string | number)[]): Promise<unknown> },
  ): Promise<Bus> => {
    const inner = (await deps.load('event-bus', config.inner, ['events', 0, 'config', 'inner'])) as Bus;
    return { kind: 'event-bus', inner };
  },
};
