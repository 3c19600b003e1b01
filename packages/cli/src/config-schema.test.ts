/** The schema `agentry schema` prints, checked as an editor would: sample YAML files against it with ajv. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, REPO_DIR, SPAWN_TEST_TIMEOUT_MS } from './__fixtures__/cli-harness.js';
import { initTemplates } from './init-templates.js';

type Validate = ((value: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};
let validate: Validate;

beforeAll(async () => {
  const printed = await cli(['schema']);
  expect(printed.code).toBe(0);
  // `secret` marks values the redactor hides; editors ignore keywords they do not know.
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  (addFormats as unknown as (instance: Ajv2020) => void)(ajv);
  validate = ajv.compile(JSON.parse(printed.stdout)) as Validate;
}, SPAWN_TEST_TIMEOUT_MS);

function check(yaml: string): { valid: boolean; errors: string[] } {
  const valid = validate(parse(yaml));
  return { valid, errors: (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`) };
}

const MODEL = 'version: 1\nmodels:\n  demo: { provider: scripted, script: ./demo.yaml }\n';

describe('agentry schema against YAML files', () => {
  it('accepts every example config and the one agentry init writes', () => {
    for (const file of [
      'quickstart/agentry.yaml',
      'durable/agentry.yaml',
      'embedding/agentry.yaml',
      'custom-plugin/agentry.yaml',
      'providers/openai.yaml',
      'providers/anthropic.yaml',
      'providers/ollama.yaml',
    ]) {
      const result = check(readFileSync(path.join(REPO_DIR, 'examples', file), 'utf8'));
      expect(result.errors, file).toEqual([]);
    }
    const init = initTemplates('demo').find((file) => file.path === 'agentry.yaml')!;
    expect(check(init.content).errors).toEqual([]);
  });

  it("rejects a wrong key inside a builtin's config, and keeps an impl's config free-form", () => {
    const wrong = check(
      `${MODEL}agents:\n  a:\n    model: demo\n    memory: { type: window, config: { maxMesages: 3 } }\n`,
    );
    expect(wrong.valid).toBe(false);
    expect(wrong.errors).toContain('/agents/a/memory/config must NOT have additional properties');
    const right = check(
      `${MODEL}agents:\n  a:\n    model: demo\n    memory: { type: window, config: { maxMessages: 3 } }\n`,
    );
    expect(right.errors).toEqual([]);
    const impl = check(
      `${MODEL}agents:\n  a:\n    model: demo\n    memory: { impl: ./mine.ts#mine, config: { anything: [1, 2] } }\n`,
    );
    expect(impl.errors).toEqual([]);
  });

  it('knows the builtin names of each slot and the values of their config', () => {
    expect(check(`${MODEL}store: sqlit\n`).valid).toBe(false);
    expect(check(`${MODEL}store: sqlite\n`).valid).toBe(true);
    const approval = check(
      `${MODEL}agents:\n  a:\n    model: demo\n    tools:\n      - { type: write-file, config: { root: ., approval: sometimes } }\n`,
    );
    expect(approval.valid).toBe(false);
    expect(approval.errors).toContain(
      '/agents/a/tools/0/config/approval must be equal to one of the allowed values',
    );
    expect(
      check('version: 1\nmodels:\n  main: { provider: openai, model: gpt-4.1-mini, temprature: 0 }\n').valid,
    ).toBe(false);
  });
});
