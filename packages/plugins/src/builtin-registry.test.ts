import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
        'queue',
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

// A builtin loads its own module only: a config on the embedded SQLite store with the file tools
// must not pay for the Redis and PostgreSQL clients at startup (the CLI starts once per command).
describe('builtin modules', () => {
  const PRINT_CLIENTS = `
    import { createRequire } from 'node:module';
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(['@redis/client', 'pg'].filter((name) => loaded.some((file) => file.includes('/node_modules/' + name + '/')))));`;
  const loadedClients = (script: string): string[] => {
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `${script}\n${PRINT_CLIENTS}`],
      { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' },
    );
    return JSON.parse(output) as string[];
  };

  it('a runtime on `store: sqlite` with file tools loads neither the Redis nor the PostgreSQL client', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentry-builtin-modules-'));
    try {
      const config = {
        version: 1,
        store: { type: 'sqlite', config: { path: join(dir, 'agentry.db') } },
        models: { demo: { provider: 'scripted', script: [{ text: 'hi' }] } },
        agents: {
          assistant: {
            model: 'demo',
            tools: [
              { type: 'read-file', config: { root: dir } },
              { type: 'write-file', config: { root: dir } },
            ],
          },
        },
      };
      const loaded = loadedClients(`
        import { createRuntime } from '@agentry/core';
        const runtime = await createRuntime({ config: ${JSON.stringify(config)} });
        const result = await runtime.run({ agent: 'assistant', input: 'hello' });
        if (result.status !== 'completed') throw new Error(JSON.stringify(result));
        await runtime.close();`);
      expect(loaded).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the store barrel loads both clients (the check above can see them)', () => {
    expect(loadedClients(`await import('@agentry/plugins/store');`)).toEqual(['@redis/client', 'pg']);
  });
});
