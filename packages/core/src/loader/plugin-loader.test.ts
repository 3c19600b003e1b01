import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { createRedactor } from '../config/redactor.js';
import { type AgentryError, isAgentryError } from '../errors/agentry-error.js';
import { createRootContainer } from './container.js';
import { PluginLoader } from './plugin-loader.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const projectDir = join(fixtures, 'project');

async function failure(run: () => Promise<unknown>): Promise<AgentryError> {
  try {
    await run();
  } catch (error) {
    if (isAgentryError(error)) return error;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

async function fixtureProject() {
  const loaded = await loadConfig({ path: join(projectDir, 'agentry.yaml'), env: {} });
  const redactor = createRedactor();
  const loader = PluginLoader.fromConfig(loaded, createRootContainer({ redactor }));
  return { loaded, loader, redactor };
}

/** The fixtures declare one memory per agent; the config type also allows a list (a chain). */
function single<T>(slot: T | T[] | undefined): T | 'buffer' {
  return slot === undefined ? 'buffer' : Array.isArray(slot) ? slot[0]! : slot;
}

describe('PluginLoader with a config file', () => {
  it('loads a .ts plugin beside the YAML file, validating its config with the plugin schema', async () => {
    const { loaded, loader } = await fixtureProject();
    const agent = loaded.config.agents.assistant;
    const memory = (await loader.load('memory', single(agent?.memory), [
      'agents',
      'assistant',
      'memory',
    ])) as unknown as {
      kind: string;
      config: { size: number };
      baseDir: string;
    };
    expect(memory.kind).toBe('memory');
    expect(memory.config.size).toBe(3);
    expect(memory.baseDir).toBe(projectDir);
  });

  it('fails naming both kinds when the same path sits in a store slot', async () => {
    const { loaded, loader } = await fixtureProject();
    const error = await failure(() => loader.load('store', loaded.config.store ?? 'memory', ['store']));
    expect(error.code).toBe('plugin.kind_mismatch');
    expect(error.message).toBe(
      `store (${loaded.locate(['store'])}) points to a 'memory' plugin; expected kind 'store'`,
    );
    expect(loaded.locate(['store'])).toMatch(/agentry\.yaml:2:8$/);
  });

  it('loads a plain .js plugin, a model entry, nested slots through deps.load, and tools with approval', async () => {
    const { loaded, loader } = await fixtureProject();
    const model = await loader.loadModel('demo', loaded.config.models.demo ?? { provider: 'scripted' });
    expect((await model.generate({ messages: [], tools: [], runId: 'r', callIndex: 0 })).text).toBe('hello');

    const events = loaded.config.events;
    const firstBus = Array.isArray(events) ? events[0] : events;
    const bus = (await loader.load('event-bus', firstBus ?? 'mitt', ['events', 0])) as unknown as {
      inner: { kind: string };
    };
    expect(bus.inner.kind).toBe('event-bus');

    const tools = loaded.config.agents.assistant?.tools ?? [];
    const tool = await loader.load('tool', tools[0] ?? 'calc', ['agents', 'assistant', 'tools', 0]);
    expect(Array.isArray(tool) ? undefined : tool.approval).toBe('always');
    expect(Array.isArray(tool) ? undefined : tool.name).toBe('send_email');
  });

  it('registers secret config values of plugins with the redactor', async () => {
    const { loaded, loader, redactor } = await fixtureProject();
    await loader.load('memory', single(loaded.config.agents.assistant?.memory), [
      'agents',
      'assistant',
      'memory',
    ]);
    expect(redactor.redactText('token tok-abc-123')).toBe('token [redacted]');
  });

  it('points plugin config errors at the YAML line of the key, with did-you-mean', async () => {
    const loaded = await loadConfig({ path: join(projectDir, 'bad-plugin-config.yaml'), env: {} });
    const loader = PluginLoader.fromConfig(loaded);
    const memoryError = await failure(() =>
      loader.load('memory', single(loaded.config.agents.a?.memory), ['agents', 'a', 'memory']),
    );
    expect(memoryError.code).toBe('plugin.config_invalid');
    expect(memoryError.context.location).toMatch(/bad-plugin-config\.yaml:9:15$/);
    expect(memoryError.message).toContain('agents.a.memory.config.size  expected number, got string "lots"');
    const modelError = await failure(() =>
      loader.loadModel('m', loaded.config.models.m ?? { provider: 'scripted' }),
    );
    expect(modelError.message).toContain('unknown key "replyy" (did you mean "reply"?)');
  });
});

describe('PluginLoader failures', () => {
  const loader = new PluginLoader({ baseDir: projectDir });

  it('reports unknown builtins with did-you-mean, missing files and missing exports', async () => {
    const builtin = await failure(() => loader.load('memory', 'windw', ['agents', 'a', 'memory']));
    expect(builtin).toMatchObject({ code: 'plugin.not_found', hint: 'did you mean "window"?' });
    const file = await failure(() => loader.load('memory', { impl: './nope.ts#X' }, ['m']));
    expect(file.code).toBe('plugin.not_found');
    const missingExport = await failure(() =>
      loader.load('memory', { impl: './my-memory.ts#MyMemroy' }, ['m']),
    );
    expect(missingExport).toMatchObject({ code: 'plugin.not_found', hint: 'did you mean "MyMemory"?' });
    const pkg = await failure(() => loader.load('memory', { impl: 'agentry-no-such-package#X' }, ['m']));
    expect(pkg.code).toBe('plugin.not_found');
  });

  it('wraps import throws, create throws, unsupported spec versions and non-plugin exports', async () => {
    expect((await failure(() => loader.load('memory', { impl: './throws-on-import.ts' }, ['m']))).code).toBe(
      'plugin.load_failed',
    );
    const created = await failure(() => loader.load('memory', { impl: './broken.ts#failingCreate' }, ['m']));
    expect(created.code).toBe('plugin.create_failed');
    expect(created.message).toContain('cannot reach the memory server');
    expect((await failure(() => loader.load('memory', { impl: './broken.ts#futureSpec' }, ['m']))).code).toBe(
      'plugin.spec_version_unsupported',
    );
    expect(
      (await failure(() => loader.load('memory', { impl: './plain-plugin.js#notAPlugin' }, ['m']))).code,
    ).toBe('plugin.load_failed');
  });

  it('refuses a hand-written tool without sideEffects, naming the tool and the values it may take', async () => {
    const error = await failure(() =>
      loader.load('tool', { impl: './plain-plugin.js#toolWithoutSideEffects' }, ['agents', 'a', 'tools', 0]),
    );
    expect(error.code).toBe('plugin.create_failed');
    expect(error.message).toContain('tool "send-mail" with sideEffects undefined');
    expect(error.message).toContain('"none", "idempotent" or "unsafe"');
  });

  it('takes the default export when the impl has no #', async () => {
    const memory = await loader.load('memory', { impl: './plain-plugin.js' }, ['m']);
    expect(memory.kind).toBe('memory');
  });

  it('says clearly when a store asks for the store while being created', async () => {
    const root = createRootContainer();
    const error = await failure(() =>
      loader.load('store', { impl: './my-store.ts#selfStore' }, ['store'], { container: root }),
    );
    expect(error.code).toBe('plugin.create_failed');
    expect(error.message).toContain('the Store was requested while the Store itself is being created');
  });

  it.each([
    ['https URL', 'https://example.com/plugin.js#x', 'remote code'],
    ['http URL', 'http://example.com/plugin.js#x', 'remote code'],
    ['file URL', `file://${projectDir}/my-memory.ts#MyMemory`, 'file: URLs'],
    ['data URL', 'data:text/javascript,export default 1', 'inline code'],
    ['node builtin', 'node:fs#readFileSync', 'Node builtins'],
    ['absolute path outside the project', `${fixtures}outside.ts#outside`, 'leaves the project root'],
    ['../ escape', '../outside.ts#outside', 'leaves the project root'],
    ['reserved export __proto__', './my-memory.ts#__proto__', 'reserved'],
    ['reserved export constructor', './my-memory.ts#constructor', 'reserved'],
    ['reserved export then', './my-memory.ts#then', 'reserved'],
  ])('refuses %s before importing anything', async (_label, impl, why) => {
    const error = await failure(() => loader.load('memory', { impl }, ['agents', 'a', 'memory']));
    expect(error.code).toBe('plugin.impl_refused');
    expect(error.message).toContain(why);
    expect(error.hint).toBeTruthy();
  });

  it('refuses a symlink inside the project that points outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'agentry-link-'));
    const outsideDir = mkdtempSync(join(tmpdir(), 'agentry-outside-'));
    writeFileSync(
      join(outsideDir, 'evil.mjs'),
      'globalThis.__agentryEvilLoaded = true;\nexport default {};\n',
    );
    symlinkSync(join(outsideDir, 'evil.mjs'), join(root, 'linked.mjs'));
    const linked = new PluginLoader({ baseDir: root });
    const error = await failure(() => linked.load('memory', { impl: './linked.mjs' }, ['m']));
    expect(error.code).toBe('plugin.impl_refused');
    expect((globalThis as { __agentryEvilLoaded?: boolean }).__agentryEvilLoaded).toBeUndefined();
  });

  it('imports single exports such as hooks, with the same refusals', async () => {
    expect(typeof (await loader.loadExport('./hooks.ts#audit', ['agents', 'a', 'hooks', 'before', 0]))).toBe(
      'function',
    );
    const refused = await failure(() => loader.loadExport('https://example.com/hooks.js#audit', ['h']));
    expect(refused.code).toBe('plugin.impl_refused');
  });

  it('accepts an absolute path inside the project', async () => {
    const memory = await loader.load('memory', { impl: `${projectDir}/plain-plugin.js` }, ['m']);
    expect(memory.kind).toBe('memory');
  });
});
