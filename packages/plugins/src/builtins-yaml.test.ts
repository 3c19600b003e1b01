/**
 * Every builtin `agentry plugins` lists, selected by name in an `agentry.yaml` written to a temp directory, loaded
 * with `createRuntime({ config: <path> })` and shown to do its job. Builtins that need Redis or PostgreSQL run in
 * `builtins-yaml.int.test.ts`; the guard below fails when a registry entry has no row in either table.
 */
import { listBuiltinPlugins } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { AGENT_CASES } from './__fixtures__/builtins-yaml/agent-cases.js';
import { inProject, type YamlCase } from './__fixtures__/builtins-yaml/harness.js';
import { INFRA_CASES } from './__fixtures__/builtins-yaml/infra-cases.js';
import { SERVER_CASES } from './__fixtures__/builtins-yaml/server-cases.js';
import { TOOL_CASES } from './__fixtures__/builtins-yaml/tool-cases.js';

/** Rows keyed `<kind> <name>`, as `agentry plugins` lists them. */
const CASES: Record<string, YamlCase> = { ...INFRA_CASES, ...AGENT_CASES, ...TOOL_CASES };
const registry = listBuiltinPlugins().map((info) => `${info.kind} ${info.name}`);

describe('every builtin through YAML', () => {
  it('has a row for every registry entry, and no row for anything else', () => {
    const covered = [...Object.keys(CASES), ...Object.keys(SERVER_CASES)];
    expect(
      registry.filter((key) => !covered.includes(key)),
      'builtins without a YAML test row',
    ).toEqual([]);
    expect(
      covered.filter((key) => !registry.includes(key)),
      'rows for unknown builtins',
    ).toEqual([]);
    expect(new Set(covered).size).toBe(covered.length);
  });

  it.each(registry.filter((key) => CASES[key] !== undefined))('%s', (key) => inProject(key, CASES[key]!));
});
