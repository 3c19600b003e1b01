import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS, findBuiltin, listBuiltinPlugins } from '../config/builtin-plugins.js';
import { isAgentryError } from '../errors/agentry-error.js';
import { parseImplSpecifier, resolveImpl } from './impl-specifier.js';
import { importImpl } from './import-module.js';
import { PluginLoader } from './plugin-loader.js';

const projectDir = fileURLToPath(new URL('./__fixtures__/project/', import.meta.url));

describe('parseImplSpecifier', () => {
  it('splits at the last # and defaults the export to default', () => {
    expect(parseImplSpecifier('./tools/send-email.ts#sendEmail')).toEqual({
      specifier: './tools/send-email.ts',
      exportName: 'sendEmail',
    });
    expect(parseImplSpecifier('@agentry/plugins/memory#WindowMemory')).toEqual({
      specifier: '@agentry/plugins/memory',
      exportName: 'WindowMemory',
    });
    expect(parseImplSpecifier('my-plugin')).toEqual({ specifier: 'my-plugin', exportName: 'default' });
  });

  it.each(['#x', './a.ts#__proto__', './a.ts#prototype', './a.ts#then', './a.ts#not-an-identifier'])(
    'refuses %s',
    (impl) => {
      let caught: unknown;
      try {
        parseImplSpecifier(impl);
      } catch (error) {
        caught = error;
      }
      expect(isAgentryError(caught) && caught.code).toBe('plugin.impl_refused');
    },
  );
});

describe('@agentry/core', () => {
  it('resolves to this copy of core', async () => {
    const resolved = resolveImpl('@agentry/core#X', '@agentry/core', { baseDir: projectDir });
    expect(resolved).toEqual({ type: 'core' });
    expect(await importImpl('@agentry/core#X', resolved)).toBe(await import('../index.js'));
  });
});

describe('builtin registry', () => {
  it('lists every builtin name of the team brief with its implementation', () => {
    const names = (kind: Parameters<typeof listBuiltinPlugins>[0]) =>
      listBuiltinPlugins(kind).map((info) => info.name);
    expect(names('store')).toEqual(['memory', 'sqlite', 'file', 'redis', 'postgres']);
    expect(names('event-bus')).toEqual(['mitt', 'ndjson-file', 'console', 'otel', 'redis']);
    expect(names('tool-executor')).toEqual(['default', 'timeout', 'retrying', 'concurrent', 'policy']);
    expect(names('context-assembler')).toEqual(['transcript', 'truncating', 'token-budget']);
    expect(names('pattern')).toEqual(['tool-loop', 'plan-execute', 'reflexion']);
    expect(names('model')).toEqual(['scripted', 'openai', 'anthropic', 'openai-compatible', 'ai-sdk']);
    expect(names('memory')).toEqual(['buffer', 'window', 'summary', 'persistent', 'chain']);
    expect(names('runtime')).toEqual(['default']);
    expect(names('tool')).toEqual([
      'read-file',
      'write-file',
      'list-files',
      'search-files',
      'http',
      'shell',
      'calc',
      'time',
      'mcp',
      'agent',
    ]);
    expect(findBuiltin('memory', 'window')?.impl).toBe('@agentry/plugins/memory#WindowMemory');
    expect(findBuiltin('store', 'memory')?.impl).toBe('@agentry/core#MemoryStore');
    for (const info of BUILTIN_PLUGINS) {
      expect(info.description.length, info.name).toBeGreaterThan(0);
      expect(() => parseImplSpecifier(info.impl)).not.toThrow();
    }
  });

  it('resolves every core builtin through this copy of @agentry/core, by name and by impl alike', async () => {
    const loader = new PluginLoader({ baseDir: projectDir });
    for (const info of BUILTIN_PLUGINS.filter((entry) => entry.impl.startsWith('@agentry/core#'))) {
      const byName = await loader.resolveDefinition(info.kind, info.name, [info.kind]);
      expect(byName.kind, info.name).toBe(info.kind);
      expect(byName.name, info.name).toBe(info.name);
      expect(await loader.resolveDefinition(info.kind, { impl: info.impl }, [info.kind])).toBe(byName);
    }
  });

  it('loads the same definition for `type: <name>` and for its impl', async () => {
    const loader = new PluginLoader({
      baseDir: projectDir,
      builtins: [{ kind: 'memory', name: 'mine', impl: './my-memory.ts#MyMemory', description: 'fixture' }],
    });
    const byName = await loader.resolveDefinition('memory', { type: 'mine' }, ['m']);
    const byImpl = await loader.resolveDefinition('memory', { impl: './my-memory.ts#MyMemory' }, ['m']);
    expect(byName).toBe(byImpl);
    expect(byName.name).toBe('my-memory');
  });
});
