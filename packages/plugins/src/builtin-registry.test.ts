import { isPluginDefinition, listBuiltinPlugins } from '@agentry/core';
import { describe, expect, it } from 'vitest';

// Every name `agentry plugins` lists must load a definition of that kind and name from its impl,
// so `type: window` and `impl: "@agentry/plugins/memory#WindowMemory"` are the same thing.
describe('builtin plugin registry', () => {
  const builtins = listBuiltinPlugins().filter((info) => info.impl.startsWith('@agentry/plugins'));

  it('covers every kind the plugins package implements', () => {
    const kinds = new Set(builtins.map((info) => info.kind));
    expect([...kinds].sort()).toEqual(
      [
        'context-assembler',
        'event-bus',
        'memory',
        'model',
        'pattern',
        'store',
        'tool',
        'tool-executor',
      ].sort(),
    );
  });

  it.each(builtins.map((info) => [`${info.kind} ${info.name}`, info] as const))(
    '%s resolves',
    async (_, info) => {
      const [specifier, exportName] = info.impl.split('#') as [string, string];
      const module = (await import(specifier)) as Record<string, unknown>;
      const exported = module[exportName] as { plugin?: unknown } | undefined;
      expect(exported, `${info.impl} is not exported`).toBeDefined();
      const definition = isPluginDefinition(exported) ? exported : exported?.plugin;
      expect(isPluginDefinition(definition)).toBe(true);
      expect(definition).toMatchObject({ kind: info.kind, name: info.name });
    },
  );
});
