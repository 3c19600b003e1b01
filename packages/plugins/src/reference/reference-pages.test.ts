/** The committed plugin reference pages equal what the generator makes now, so they cannot drift. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBuiltinPlugins } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { configRows, configTable, typeOf } from './config-table.js';
import { REFERENCE_KINDS, renderReferencePages } from './reference-pages.js';
import { exampleYaml, flow } from './yaml-example.js';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

describe('docs/reference/<kind>.md', () => {
  const pages = renderReferencePages(repoRoot);

  it.each(pages.map((page) => [page.path, page] as const))('%s is up to date', (path, page) => {
    let committed = '';
    try {
      committed = readFileSync(join(repoRoot, path), 'utf8');
    } catch {
      // a missing page fails below like a stale one
    }
    expect(committed, `${path} is out of date: run \`npm run docs -w @agentry/plugins\``).toBe(page.content);
  });

  it('has one page per kind, and every builtin of the kind is on it with a config section', () => {
    expect(pages.map((page) => page.path)).toEqual(
      REFERENCE_KINDS.map((kind) => `docs/reference/${kind}.md`),
    );
    for (const kind of REFERENCE_KINDS) {
      const page = pages.find((candidate) => candidate.path === `docs/reference/${kind}.md`)!;
      for (const info of listBuiltinPlugins(kind)) expect(page.content).toContain(`## \`${info.name}\``);
    }
  });
});

describe('config tables', () => {
  it('renders keys, types, defaults, required keys, nested objects and secrets', () => {
    const rows = configRows({
      type: 'object',
      required: ['root'],
      properties: {
        root: { type: 'string', description: 'Directory' },
        limit: { type: 'integer', exclusiveMinimum: 0, maximum: 64, default: 5 },
        mode: { type: 'string', enum: ['a', 'b'] },
        apiKey: { type: 'string', secret: true, description: 'Key' },
        pricing: {
          type: 'object',
          properties: { inputPerMillion: { type: 'number', minimum: 0 } },
          required: ['inputPerMillion'],
        },
      },
    });
    expect(rows).toEqual([
      { key: 'root', type: 'string', default: 'required', description: 'Directory' },
      { key: 'limit', type: 'integer > 0, ≤ 64', default: '`5`', description: '' },
      { key: 'mode', type: '"a" | "b"', default: '', description: '' },
      {
        key: 'apiKey',
        type: 'string',
        default: '',
        description: 'Key Secret: redacted wherever it could be printed or stored.',
      },
      { key: 'pricing', type: 'object', default: '', description: '' },
      { key: 'pricing.inputPerMillion', type: 'number ≥ 0', default: 'required', description: '' },
    ]);
    expect(configTable(rows)).toContain('| `mode` | "a" \\| "b" |  |  |');
    expect(configTable([])).toBe('This plugin takes no options.');
    expect(typeOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map of string');
  });
});

describe('example YAML', () => {
  it('quotes what YAML would misread and puts each kind in its slot', () => {
    const envUrl = ['$', '{env:URL}'].join('');
    expect(flow({ path: './a', mode: 'yes', n: 3, text: '3.5', url: envUrl, list: ['a b', 'c'] })).toBe(
      `{ path: ./a, mode: "yes", n: 3, text: "3.5", url: "${envUrl}", list: ["a b", c] }`,
    );
    expect(exampleYaml('store', 'memory', {})).toBe('store: memory');
    expect(exampleYaml('memory', 'window', { maxMessages: 5 })).toBe(
      'agents:\n  assistant:\n    model: main\n    memory: { type: window, config: { maxMessages: 5 } }',
    );
    expect(exampleYaml('model', 'openai', { model: 'gpt-4.1-mini' })).toBe(
      'models:\n  main: { provider: openai, model: gpt-4.1-mini }',
    );
  });
});
