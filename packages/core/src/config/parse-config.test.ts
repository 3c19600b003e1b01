// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:NAME}` is config syntax, not a template.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, isConfigError } from '../errors/agentry-error.js';
import { parseConfig, resolveConfigObject } from './load-config.js';
import { createRedactor } from './redactor.js';
import { configJsonSchema } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'agentry-parse-'));
const file = join(dir, 'agentry.yaml');

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig errors', () => {
  it('reports five different mistakes at once, each with file:line:col, path and did-you-mean', () => {
    const text = [
      'version: 1',
      'models:',
      '  main: { provider: openai, model: gpt-4.1-mini, apiKey: ${env:OPENAI_API_KEY} }',
      '  demo: { provider: scripted, script: ./demo.script.yaml }',
      'agents:',
      '  assistant:',
      '    model: demmo',
      '    instruction: You help with files.',
      '    memory: { type: windw, config: { maxMessages: 20 } }',
      '    budget: { maxSteps: ten }',
      '',
    ].join('\n');
    const error = configError(() => parseConfig(text, file, { env: {} }));
    expect(error.code).toBe('config.invalid');
    expect(error.issues.map((issue) => [issue.location, issue.path.join('.'), issue.hint])).toEqual([
      [
        `${file}:3:58`,
        'models.main.apiKey',
        'set OPENAI_API_KEY, or give a default: ${env:OPENAI_API_KEY:-value}',
      ],
      [`${file}:7:12`, 'agents.assistant.model', 'did you mean "demo"?'],
      [`${file}:8:5`, 'agents.assistant.instruction', 'did you mean "instructions"?'],
      [`${file}:9:21`, 'agents.assistant.memory.type', 'did you mean "window"?'],
      [`${file}:10:25`, 'agents.assistant.budget.maxSteps', undefined],
    ]);
    expect(error.issues.map((issue) => issue.code)).toEqual([
      'config.env_missing',
      'config.invalid',
      'config.invalid',
      'config.invalid',
      'config.invalid',
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`${file} has 5 problems:`);
    expect(lines).toContain(
      `  ${file}:7:12  agents.assistant.model  unknown model "demmo" (did you mean "demo"?)`,
    );
    expect(lines).toContain(
      `  ${file}:10:25  agents.assistant.budget.maxSteps  expected number, got string "ten"`,
    );
    expect(lines).toContain(
      `  ${file}:8:5  agents.assistant.instruction  unknown key "instruction" (did you mean "instructions"?)`,
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const error = configError(() => parseConfig('version: 1\nagents: [a\n  b: c\n', file, { env: {} }));
    expect(error.code).toBe('config.syntax');
    expect(error.issues[0]?.location).toMatch(new RegExp(`^${file}:\\d+:\\d+$`));
  });

  it('explains a slot with both type and impl, and an unknown tool name by did-you-mean', () => {
    const text = [
      'version: 1',
      'models: { m: { provider: scripted } }',
      'agents:',
      '  a:',
      '    model: m',
      '    tools:',
      '      - { type: read-file, impl: ./x.ts }',
      '      - clac',
      '',
    ].join('\n');
    const error = configError(() => parseConfig(text, file, { env: {} }));
    expect(error.issues).toMatchObject([
      { path: ['agents', 'a', 'tools', 0], message: '`type` and `impl` together', location: `${file}:7:9` },
      { path: ['agents', 'a', 'tools', 1], message: 'unknown tool "clac"', hint: 'did you mean "calc"?' },
    ]);
  });

  it('locates bad run hooks: an unknown hook key and a regex that does not compile', () => {
    const text = [
      'version: 1',
      'models: { m: { provider: scripted } }',
      'hooks: { beforeRun: [./screen.js#screen], afterrun: [] }',
      'agents:',
      '  a:',
      '    model: m',
      '    hooks:',
      "      beforeRun: [{ type: input-screen, config: { patterns: ['(unclosed'] } }]",
      '',
    ].join('\n');
    const error = configError(() => parseConfig(text, file, { env: {} }));
    expect(error.issues).toMatchObject([
      { path: ['hooks', 'afterrun'], location: `${file}:3:43` },
      {
        path: ['agents', 'a', 'hooks', 'beforeRun', 0, 'config', 'patterns', 0],
        message: 'not a valid regular expression',
        location: expect.stringMatching(new RegExp(`^${file}:8:\\d+$`)),
      },
    ]);
  });

  it('uses config.env_missing when a missing variable is the only problem', () => {
    const text = 'version: 1\nmodels:\n  m: { provider: openai, apiKey: "${env:NOPE_KEY}" }\n';
    const error = configError(() => parseConfig(text, file, { env: {} }));
    expect(error.code).toBe('config.env_missing');
    expect(error.issues[0]).toMatchObject({ location: `${file}:3:34`, path: ['models', 'm', 'apiKey'] });
  });
});

describe('interpolation', () => {
  it('replaces ${env:NAME}, applies ${env:NAME:-default}, also inside flow maps', () => {
    const text = [
      'version: 1',
      'models:',
      '  m: { provider: openai, model: ${env:MODEL_ID:-gpt-4.1-mini}, baseURL: "http://${env:HOST}/v1" }',
      'agents:',
      '  a: { model: m, instructions: "Hello ${env:WHO:-world}" }',
      '',
    ].join('\n');
    const loaded = parseConfig(text, file, { env: { HOST: 'localhost:8080', WHO: '' } });
    expect(loaded.config.models.m).toMatchObject({
      model: 'gpt-4.1-mini',
      baseURL: 'http://localhost:8080/v1',
    });
    expect(loaded.config.agents.a?.instructions).toBe('Hello world');
    const sources = loaded.explain().values;
    expect(sources.find((item) => item.path === 'models.m.baseURL')?.source).toBe('env:HOST');
    expect(sources.find((item) => item.path === 'models.m.model')?.source).toBe('env:MODEL_ID');
  });

  it('turns a whole reference into the number or boolean the schema expects', () => {
    const text = [
      'version: 1',
      'models: { m: { provider: scripted } }',
      'agents:',
      '  a: { model: m, durable: "${env:DURABLE}", budget: { maxSteps: "${env:STEPS:-7}", maxCostUsd: "${env:COST}" } }',
      '',
    ].join('\n');
    const loaded = parseConfig(text, file, { env: { DURABLE: 'true', COST: '0.25' } });
    expect(loaded.config.agents.a).toMatchObject({
      durable: true,
      budget: { maxSteps: 7, maxCostUsd: 0.25 },
    });
  });
});

describe('secrets', () => {
  it('redacts apiKey, secret-named env values and secret fields in explain()', () => {
    const text = [
      'version: 1',
      'models:',
      '  main: { provider: openai, apiKey: sk-inline-secret-1 }',
      '  other: { provider: openai-compatible, headers: { x-auth: "${env:SERVICE_TOKEN}" } }',
      'agents:',
      '  a: { model: main, instructions: "token is ${env:SERVICE_TOKEN}" }',
      '',
    ].join('\n');
    const redactor = createRedactor();
    const loaded = parseConfig(text, file, { env: { SERVICE_TOKEN: 'tok-from-env-42' }, redactor });
    expect(loaded.config.models.main).toMatchObject({ apiKey: 'sk-inline-secret-1' });
    const printed = JSON.stringify(loaded.explain());
    expect(printed).not.toContain('sk-inline-secret-1');
    expect(printed).not.toContain('tok-from-env-42');
    expect(printed).toContain('[redacted]');
    expect(redactor.redactText('log: tok-from-env-42 and sk-inline-secret-1')).toBe(
      'log: [redacted] and [redacted]',
    );
  });

  it('keeps secrets out of error messages', () => {
    const text =
      'version: 1\nmodels:\n  m: { provider: openai, apiKey: "${env:MY_API_KEY}" }\nagents: { a: { model: x } }\n';
    const error = configError(() => parseConfig(text, file, { env: { MY_API_KEY: 'sk-never-print-me' } }));
    expect(error.message).not.toContain('sk-never-print-me');
  });
});

describe('anchors and merge keys', () => {
  it('allows ordinary anchors, aliases and << merges', () => {
    const text = [
      'version: 1',
      'models: { m: { provider: scripted } }',
      'agents:',
      '  a: &base { model: m, instructions: A, budget: { maxSteps: 5 } }',
      '  b: { <<: *base, instructions: B }',
      '',
    ].join('\n');
    const loaded = parseConfig(text, file, { env: {} });
    expect(loaded.config.agents.b).toMatchObject({ model: 'm', instructions: 'B', budget: { maxSteps: 5 } });
  });
});

describe('unsafe YAML', () => {
  it('rejects an alias bomb', () => {
    const lines = ['version: 1', 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    let previous = 'a';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g']) {
      lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
      previous = name;
    }
    const error = configError(() => parseConfig(`${lines.join('\n')}\n`, file, { env: {} }));
    expect(error.code).toBe('config.unsafe');
    expect(error.message).toContain('alias');
  });

  it('rejects __proto__, constructor and prototype keys with their location', () => {
    const error = configError(() =>
      parseConfig('version: 1\nagents:\n  __proto__: { polluted: true }\n', file, { env: {} }),
    );
    expect(error.code).toBe('config.unsafe');
    expect(error.issues[0]).toMatchObject({
      location: `${file}:3:3`,
      message: 'key "__proto__" is not allowed',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects prototype keys in config objects passed in code', () => {
    const value = JSON.parse('{"version":1,"models":{"constructor":{"provider":"scripted"}}}') as unknown;
    const error = configError(() => resolveConfigObject(value, { env: {} }));
    expect(error.code).toBe('config.unsafe');
    expect(error.issues[0]?.path).toEqual(['models', 'constructor']);
  });

  it('rejects custom tags', () => {
    const error = configError(() =>
      parseConfig('version: 1\nx: !!js/function "() => 1"\n', file, { env: {} }),
    );
    expect(error.code).toBe('config.unsafe');
    expect(error.issues[0]?.location).toBe(`${file}:2:4`);
  });
});

describe('resolveConfigObject', () => {
  it('validates an object built in code, applies defaults and says where values came from', () => {
    const loaded = resolveConfigObject(
      { version: 1, models: { m: { provider: 'scripted' } }, agents: { a: { model: 'm' } } },
      { baseDir: dir, env: {} },
    );
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.runtime).toBe('default');
    expect(loaded.config.agents.a).toMatchObject({ durable: false, tools: [], maxValidationRetries: 2 });
    const values = loaded.explain().values;
    expect(values.find((item) => item.path === 'agents.a.model')?.source).toBe('options');
    expect(values.find((item) => item.path === 'agents.a.durable')?.source).toBe('default');
  });

  it('defaults maxToolOutputBytes to 64 KiB, documents it, and refuses a value below 256', () => {
    const base = { version: 1, models: { m: { provider: 'scripted' } } };
    const loaded = resolveConfigObject({ ...base, agents: { a: { model: 'm' } } }, { env: {} });
    expect(loaded.config.agents.a?.maxToolOutputBytes).toBe(65_536);
    const error = configError(() =>
      resolveConfigObject({ ...base, agents: { a: { model: 'm', maxToolOutputBytes: 10 } } }, { env: {} }),
    );
    expect(error.issues.map((issue) => issue.path.join('.'))).toEqual(['agents.a.maxToolOutputBytes']);
    const schema = configJsonSchema() as {
      properties: {
        agents: { additionalProperties: { properties: Record<string, { description?: string }> } };
      };
    };
    const agent = schema.properties.agents.additionalProperties.properties;
    expect(agent.maxToolOutputBytes?.description).toContain('truncated');
  });

  it('reports locations as undefined but still lists every issue', () => {
    const error = configError(() => resolveConfigObject({ version: 2, extra: true }, { env: {} }));
    expect(error.issues.map((issue) => issue.path.join('.'))).toEqual(['version', 'extra']);
  });
});

describe('configJsonSchema', () => {
  it('describes the file for editors, with defaults optional', () => {
    const schema = configJsonSchema() as { required?: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(['version']);
    expect(Object.keys(schema.properties)).toEqual([
      'version',
      'runtime',
      'store',
      'events',
      'queue',
      'models',
      'agents',
      'server',
      'hooks',
    ]);
  });
});
