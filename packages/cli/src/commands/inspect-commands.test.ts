import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const VALID = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Hello"] }
  main: { provider: openai, model: gpt-4.1-mini, apiKey: \${env:OPENAI_API_KEY} }
agents:
  helper:
    model: demo
    instructions: Say hello.
`;

const INVALID = `version: 1
models:
  demo: { provider: scripted, script: ["Hello"] }
agents:
  helper:
    model: demo
    instruction: Say hello.
    memory: windw
    durable: maybe
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function project(files: Record<string, string>): string {
  const scratch = scratchDir(files, { inRepo: false });
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('agentry validate', () => {
  it('exits 0 and names the agents of a valid file', async () => {
    const cwd = project({ 'agentry.yaml': VALID });
    const result = await cli(['validate'], { cwd, env: { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('agentry.yaml is valid');
    expect(result.stdout).toContain('helper');
  });

  it('exits 2 and prints every problem with file:line:col, key path and did-you-mean', async () => {
    const cwd = project({ 'agentry.yaml': INVALID });
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[config.invalid]');
    expect(result.stderr).toMatch(/agentry\.yaml:7:5\s+agents\.helper\.instruction/);
    expect(result.stderr).toContain('"instructions"');
    expect(result.stderr).toMatch(/agentry\.yaml:8:\d+\s+agents\.helper\.memory/);
    expect(result.stderr).toContain('"window"');
    expect(result.stderr).toMatch(/agentry\.yaml:9:\d+\s+agents\.helper\.durable/);
    expect(result.stderr).not.toContain('    at ');
    expect(result.stderr.match(/unknown key "instruction"/g)).toHaveLength(1);
  });

  it('names a missing environment variable with its line', async () => {
    const cwd = project({ 'agentry.yaml': VALID });
    const result = await cli(['validate'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agentry\.yaml:5:\d+\s+models\.main\.apiKey/);
    expect(result.stderr).toContain('OPENAI_API_KEY');
  });

  it('--json prints one document with valid:false and the located issues', async () => {
    const cwd = project({ 'agentry.yaml': INVALID });
    const result = await cli(['validate', '--json'], { cwd });
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as {
      valid: boolean;
      error: { code: string; issues: { path: string; location?: string; hint?: string }[] };
    };
    expect(document.valid).toBe(false);
    expect(document.error.code).toBe('config.invalid');
    expect(document.error.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['agents.helper.instruction', 'agents.helper.memory', 'agents.helper.durable']),
    );
    expect(document.error.issues.every((issue) => issue.location?.startsWith('agentry.yaml:'))).toBe(true);
    expect(result.stderr).toContain('[config.invalid]');
  });

  it('reports a missing --config file as config.not_found with exit 2', async () => {
    const cwd = project({});
    const result = await cli(['validate', '--config', 'nope.yaml'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[config.not_found]');
    expect(result.stderr).toContain('hint:');
  });
});

describe('agentry config explain', () => {
  it('shows where values came from and never prints the secret', async () => {
    const cwd = project({ 'agentry.yaml': VALID });
    const secret = 'sk-test-abcdefghijklmnop';
    const human = await cli(['config', 'explain'], { cwd, env: { OPENAI_API_KEY: secret } });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/models\.main\.apiKey\s+"\[redacted\]"\s+← env:OPENAI_API_KEY/);
    expect(human.stdout).toMatch(/agents\.helper\.model\s+"demo"\s+← agentry\.yaml:8:\d+/);
    expect(human.stdout + human.stderr).not.toContain(secret);

    const json = await cli(['config', 'explain', '--json'], { cwd, env: { OPENAI_API_KEY: secret } });
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(secret);
    const document = JSON.parse(json.stdout) as { file: string; values: { path: string; source: string }[] };
    expect(document.file).toBe('agentry.yaml');
    expect(document.values).toContainEqual(
      expect.objectContaining({ path: 'models.main.apiKey', source: 'env:OPENAI_API_KEY' }),
    );
  });
});

describe('agentry schema', () => {
  it('prints the JSON Schema of the config', async () => {
    const result = await cli(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['version', 'models', 'agents', 'store']),
    );
  });

  it('--out writes it to a file', async () => {
    const cwd = project({});
    const result = await cli(['schema', '--out', 'agentry.schema.json'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const written = JSON.parse(readFileSync(path.join(cwd, 'agentry.schema.json'), 'utf8')) as object;
    expect(written).toHaveProperty('properties.agents');
  });
});

describe('agentry plugins', () => {
  it('--json lists every builtin with kind, name, impl and description', async () => {
    const result = await cli(['plugins', '--json']);
    expect(result.code).toBe(0);
    const plugins = JSON.parse(result.stdout) as {
      kind: string;
      name: string;
      impl: string;
      description: string;
    }[];
    expect(plugins).toContainEqual({
      kind: 'memory',
      name: 'window',
      impl: '@agentry/plugins/memory#WindowMemory',
      description: expect.any(String),
    });
    expect(plugins).toContainEqual(expect.objectContaining({ kind: 'model', name: 'scripted' }));
    expect(plugins.every((plugin) => plugin.description.length > 0 && plugin.impl.includes('#'))).toBe(true);
  });

  it('--kind filters, and a wrong kind is a usage error with a did-you-mean', async () => {
    const memory = await cli(['plugins', '--kind', 'memory', '--json']);
    const kinds = new Set((JSON.parse(memory.stdout) as { kind: string }[]).map((plugin) => plugin.kind));
    expect([...kinds]).toEqual(['memory']);
    const wrong = await cli(['plugins', '--kind', 'memroy']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Did you mean "memory"?');
  });

  it('prints a table with a header on a terminal and tab-separated rows otherwise', async () => {
    const table = await cli(['plugins', '--kind', 'store'], { tty: true });
    expect(table.stdout.split('\n')[0]).toMatch(/KIND\s+NAME\s+IMPL\s+DESCRIPTION/);
    const plain = await cli(['plugins', '--kind', 'store']);
    expect(plain.stdout).toContain('store\tsqlite\t@agentry/plugins/store/sqlite#SqliteStore\t');
    expect(plain.stdout).not.toContain('KIND');
  });
});

describe('agentry validate --load', () => {
  it('a builtin config error is caught with and without --load (no connection needed for it)', async () => {
    const cwd = project({
      'agentry.yaml': `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Hi"] }
agents:
  helper:
    model: demo
    tools:
      - { type: read-file, config: { rooot: ./workspace } }
`,
    });
    const plain = await cli(['validate'], { cwd });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /agents\.helper\.tools\[0\]\.config\.root\n *read-file: missing required key "root"/,
    );
    const loaded = await cli(['validate', '--load'], { cwd });
    expect(loaded.code).toBe(2);
    expect(loaded.stderr).toContain('[plugin.config_invalid]');
    expect(loaded.stderr).toContain('read-file');
  });
});

describe('agentry plugins <name>', () => {
  it('shows one builtin with the config keys its schema accepts', async () => {
    const json = await cli(['plugins', 'read-file', '--json']);
    expect(json.code).toBe(0);
    const detail = JSON.parse(json.stdout) as { kind: string; config: { key: string; required: boolean }[] };
    expect(detail.kind).toBe('tool');
    expect(detail.config).toContainEqual(expect.objectContaining({ key: 'root', required: true }));
    const human = await cli(['plugins', 'read-file']);
    expect(human.stdout).toMatch(/root\s+string \(required\)/);
    const wrong = await cli(['plugins', 'raed-file']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Did you mean "read-file"?');
  });
});

describe('agentry doctor', () => {
  it('reports a missing model key as a warning, redacts a present one, and exits 2 without a config', async () => {
    const config = VALID.replace(/, apiKey: \S+ }/, ' }');
    const cwd = project({ 'agentry.yaml': config });
    const missing = await cli(['doctor', '--json'], { cwd });
    const report = JSON.parse(missing.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'model main', status: 'warn' }));
    expect(missing.code).toBe(0);
    const secret = 'sk-present-0123456789';
    const present = await cli(['doctor'], { cwd, env: { OPENAI_API_KEY: secret } });
    expect(present.stdout).toMatch(/model main\s+openai: \S+ set \(\[redacted\]\)/);
    expect(present.stdout).not.toContain(secret);
    const none = await cli(['doctor'], { cwd: project({}) });
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('config');
  });
});
