import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, isConfigError } from '../errors/agentry-error.js';
import { loadConfig } from './load-config.js';

const MINIMAL =
  'version: 1\nmodels: { m: { provider: scripted } }\nagents: { a: { model: m, instructions: from NAME } }\n';

/** A fresh project: a directory with a package.json, so discovery stops there. */
function project(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'agentry-load-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

async function notFound(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig discovery', () => {
  for (const name of ['agentry.yaml', 'agentry.config.yaml', '.agentryrc', '.agentryrc.yaml']) {
    it(`finds ${name}`, async () => {
      const root = project({ [name]: MINIMAL.replace('NAME', name) });
      const loaded = await loadConfig({ cwd: root, env: {} });
      expect(loaded.file).toBe(join(root, name));
      expect(loaded.baseDir).toBe(root);
      expect(loaded.config.agents.a?.instructions).toBe(`from ${name}`);
      expect(loaded.locate(['agents', 'a', 'model'])).toBe(`${join(root, name)}:3:23`);
    });
  }

  it('finds the "agentry" key of package.json, with positions inside package.json', async () => {
    const root = mkdtempSync(join(tmpdir(), 'agentry-load-'));
    const manifest = JSON.stringify(
      {
        name: 'x',
        agentry: { version: 1, models: { m: { provider: 'scripted' } }, agents: { a: { model: 'mm' } } },
      },
      null,
      2,
    );
    writeFileSync(join(root, 'package.json'), manifest);
    const error = await notFound(() => loadConfig({ cwd: root, env: {} }));
    const line = manifest.split('\n').findIndex((text) => text.includes('"mm"')) + 1;
    expect(error.issues[0]).toMatchObject({ path: ['agents', 'a', 'model'], hint: 'did you mean "m"?' });
    expect(error.issues[0]?.location).toBe(`${join(root, 'package.json')}:${line}:18`);
  });

  it('searches from a subdirectory up to the project root', async () => {
    const root = project({ 'agentry.yaml': MINIMAL.replace('NAME', 'root'), 'src/deep/.keep': '' });
    const loaded = await loadConfig({ cwd: join(root, 'src', 'deep'), env: {} });
    expect(loaded.file).toBe(join(root, 'agentry.yaml'));
  });

  it('lets an explicit path win over discovery and over AGENTRY_CONFIG', async () => {
    const root = project({
      'agentry.yaml': MINIMAL.replace('NAME', 'discovered'),
      'configs/other.yaml': MINIMAL.replace('NAME', 'explicit'),
      'configs/env.yaml': MINIMAL.replace('NAME', 'env'),
    });
    const explicit = await loadConfig({
      cwd: root,
      path: 'configs/other.yaml',
      env: { AGENTRY_CONFIG: 'configs/env.yaml' },
    });
    expect(explicit.config.agents.a?.instructions).toBe('from explicit');
    expect(explicit.baseDir).toBe(join(root, 'configs'));
    const fromEnv = await loadConfig({ cwd: root, env: { AGENTRY_CONFIG: 'configs/env.yaml' } });
    expect(fromEnv.config.agents.a?.instructions).toBe('from env');
  });

  it('throws config.not_found when nothing is found, and for a missing explicit path', async () => {
    const root = project();
    expect((await notFound(() => loadConfig({ cwd: root, env: {} }))).code).toBe('config.not_found');
    const missing = await notFound(() => loadConfig({ cwd: root, path: 'nope.yaml', env: {} }));
    expect(missing.code).toBe('config.not_found');
    expect(missing.message).toContain(join(root, 'nope.yaml'));
  });

  it('reports every issue of a discovered file at once', async () => {
    const root = project({ '.agentryrc.yaml': 'version: 2\nstore: sqlit\nagents: { a: { model: m } }\n' });
    const error = await notFound(() => loadConfig({ cwd: root, env: {} }));
    expect(error.issues.map((issue) => [issue.location?.slice(root.length + 1), issue.message])).toEqual([
      ['.agentryrc.yaml:1:10', 'expected 1, got number 2'],
      ['.agentryrc.yaml:2:8', 'unknown store "sqlit"'],
      ['.agentryrc.yaml:3:23', 'unknown model "m"'],
    ]);
  });
});

describe('session policies in YAML', () => {
  it('takes reject | enqueue | interrupt | steer, keeps the older wait | fail, and places a wrong one at file:line', async () => {
    const agents = (policy: string) =>
      `version: 1\nstore: memory\nmodels: { m: { provider: scripted, script: [hi] } }\nagents:\n  a:\n    model: m\n    session: { onBusy: ${policy} }\n`;
    for (const policy of ['reject', 'enqueue', 'interrupt', 'steer', 'wait', 'fail']) {
      const loaded = await loadConfig({ cwd: project({ 'agentry.yaml': agents(policy) }), env: {} });
      expect(loaded.config.agents.a?.session?.onBusy).toBe(policy);
    }
    const root = project({ 'agentry.yaml': agents('steal') });
    const error = await notFound(() => loadConfig({ cwd: root, env: {} }));
    const [issue] = error.issues;
    expect(issue?.location?.slice(root.length + 1)).toBe('agentry.yaml:7:24');
    expect(issue?.message).toContain('"steer"');
  });
});
