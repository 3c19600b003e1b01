import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fastConfig } from './fast-config.js';
import { resolveConfigObject } from './load-config.js';
import { agentryConfigSchema } from './schema.js';

const onPath: Record<string, unknown>[] = [
  { version: 1 },
  { version: 1, store: 'memory', queue: 'local', runtime: 'default', events: 'mitt' },
  {
    version: 1,
    models: { a: { provider: 'scripted', script: ['hi'], model: 'm1', apiKey: 'sk-test-1234567890' } },
    agents: {
      b: {
        durable: true,
        model: 'a',
        tools: ['shell'],
        budget: { maxCostUsd: 0.5, maxSteps: 3, maxToolCalls: 0 },
        instructions: '',
        maxActiveRuns: 2,
        maxToolOutputBytes: 256,
        maxResumeAttempts: 0,
        pattern: 'tool-loop',
      },
      '2': { model: 'a', description: 'second' },
    },
  },
];

const offPath: Record<string, unknown>[] = [
  { version: 1, store: { type: 'memory' } },
  { version: 1, models: { a: { impl: './m.js#model' } } },
  {
    version: 1,
    models: { a: { provider: 'scripted', script: [], rateLimit: { requests: 1, intervalMs: 10 } } },
  },
  {
    version: 1,
    models: { a: { provider: 'scripted' } },
    agents: { b: { model: 'a', approvals: { default: 'ask' } } },
  },
  { version: 1, hooks: { beforeRun: [] } },
];

const invalid: Record<string, unknown>[] = [
  {},
  { version: 2 },
  { version: 1, store: 'memroy' },
  { version: 1, models: { a: { provider: 'nope' } } },
  { version: 1, models: { a: { provider: 'scripted', model: '' } } },
  {
    version: 1,
    models: { a: { provider: 'scripted' } },
    agents: { b: { model: 'a', budget: { maxSteps: 0 } } },
  },
  {
    version: 1,
    models: { a: { provider: 'scripted' } },
    agents: { b: { model: 'a', budget: { maxStep: 3 } } },
  },
  {
    version: 1,
    models: { a: { provider: 'scripted' } },
    agents: { b: { model: 'a', maxToolOutputBytes: 10 } },
  },
  { version: 1, models: { a: { provider: 'scripted' } }, agents: { b: { model: 'a', durable: 'yes' } } },
  { version: 1, models: { a: { provider: 'scripted' } }, agents: { b: { model: 'a', tools: ['nope'] } } },
  {
    version: 1,
    models: { a: { provider: 'scripted' } },
    agents: { b: { model: 'a', instructions: undefined } },
  },
  { version: 1, extra: true },
];

const examples = ['quickstart', 'durable', 'embedding', 'custom-plugin'].map((name) => ({
  name,
  value: parse(
    readFileSync(
      fileURLToPath(new URL(`../../../../examples/${name}/agentry.yaml`, import.meta.url)),
      'utf8',
    ),
  ) as unknown,
}));

describe('config fast path', () => {
  it.each(onPath.map((value, index) => [index, value] as const))(
    'gives what zod gives, defaults and key order included (config %i)',
    (_index, value) => {
      const fast = fastConfig(value);
      expect(fast).toBeDefined();
      expect(JSON.stringify(fast)).toBe(JSON.stringify(agentryConfigSchema.parse(value)));
      expect(fast).toEqual(agentryConfigSchema.parse(value));
    },
  );

  it.each(offPath.map((value, index) => [index, value] as const))(
    'leaves other valid shapes to zod (config %i)',
    (_index, value) => {
      expect(agentryConfigSchema.safeParse(value).success).toBe(true);
      expect(fastConfig(value)).toBeUndefined();
    },
  );

  it.each(invalid.map((value, index) => [index, value] as const))(
    'never accepts a config zod refuses, so errors still come from zod with their locations (config %i)',
    (_index, value) => {
      expect(fastConfig(value)).toBeUndefined();
    },
  );

  it('agrees with zod on every example config (fast or left to zod)', () => {
    for (const { name, value } of examples) {
      const fast = fastConfig(value);
      if (fast !== undefined)
        expect(JSON.stringify(fast), name).toBe(JSON.stringify(agentryConfigSchema.parse(value)));
    }
  });

  it('registers a model apiKey as a secret as the zod path does', () => {
    const loaded = resolveConfigObject(
      { version: 1, models: { a: { provider: 'scripted', script: ['x'], apiKey: 'sk-fast-path-secret-1' } } },
      { baseDir: process.cwd(), env: {} },
    );
    expect(JSON.stringify(loaded.explain().config)).not.toContain('sk-fast-path-secret-1');
  });
});
