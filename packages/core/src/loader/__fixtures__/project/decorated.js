// Fixture: a plugin module that reads Reflect metadata while it loads (as decorator-based code does).
import { z } from 'zod';

const hasPolyfill = typeof Reflect.getMetadata === 'function';

export const decorated = {
  kind: 'memory',
  name: 'decorated',
  specVersion: 1,
  description: 'Knows whether the reflect-metadata polyfill was there when it loaded',
  configSchema: z.object({}),
  create: () => ({ kind: 'memory', name: 'decorated', hasPolyfill }),
};
