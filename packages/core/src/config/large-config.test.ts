/**
 * Large configs: a file over the size cap is refused before parsing, with the cap in the error; a large file
 * still gets its duplicate keys reported with line numbers (the check no longer compares every key pair).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/agentry-error.js';
import { DEFAULT_CONFIG_MAX_BYTES, loadConfig, parseConfig } from './load-config.js';

/** A config with `count` agents, one per 3 lines after a 3-line header: agent i starts on line 4 + 3i. */
function agentsConfig(count: number, extra = ''): string {
  const lines = ['version: 1', 'models: { demo: { provider: scripted, script: ["hi"] } }', 'agents:'];
  for (let index = 0; index < count; index += 1) {
    lines.push(`  agent_${index}:`, '    model: demo', `    instructions: You are agent number ${index}.`);
  }
  return `${lines.join('\n')}\n${extra}`;
}

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'agentry-large-')), 'agentry.yaml');
  writeFileSync(file, text);
  return file;
}

async function configError(load: () => unknown): Promise<ConfigError> {
  try {
    await load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config size cap', () => {
  it('refuses a file over 4 MiB by default with config.too_large, naming the size, the cap and the variable', async () => {
    const text = agentsConfig(10).padEnd(DEFAULT_CONFIG_MAX_BYTES + 1, '#');
    const error = await configError(() => loadConfig({ path: write(text), env: {} }));
    expect(error.code).toBe('config.too_large');
    expect(error.message).toContain(
      `is ${DEFAULT_CONFIG_MAX_BYTES + 1} bytes, more than the 4194304-byte limit`,
    );
    expect(error.hint).toContain('AGENTRY_CONFIG_MAX_BYTES');
  });

  it('takes the cap from AGENTRY_CONFIG_MAX_BYTES, and the maxBytes option over it', async () => {
    const file = write(agentsConfig(20));
    const small = { AGENTRY_CONFIG_MAX_BYTES: '500' };
    expect((await configError(() => loadConfig({ path: file, env: small }))).code).toBe('config.too_large');
    const loaded = await loadConfig({ path: file, env: small, maxBytes: 1_000_000 });
    expect(Object.keys(loaded.config.agents)).toHaveLength(20);
    expect((await configError(() => loadConfig({ path: file, env: {}, maxBytes: 100 }))).code).toBe(
      'config.too_large',
    );
    expect(() => parseConfig(agentsConfig(20), 'agentry.yaml', { env: small })).toThrow(/500-byte limit/);
  });

  it('a cap that is not a positive number is a config error that says what to set', async () => {
    const error = await configError(() =>
      loadConfig({ path: write(agentsConfig(1)), env: { AGENTRY_CONFIG_MAX_BYTES: '4MB' } }),
    );
    expect(error.code).toBe('config.invalid');
    expect(error.message).toContain('AGENTRY_CONFIG_MAX_BYTES is "4MB"');
  });
});

describe('a large config (10,000 agents, about 0.6 MB)', () => {
  const count = 10_000;

  it('loads with every agent', async () => {
    const loaded = await loadConfig({ path: write(agentsConfig(count)), env: {} });
    expect(Object.keys(loaded.config.agents)).toHaveLength(count);
    expect(loaded.config.agents.agent_9999?.instructions).toBe('You are agent number 9999.');
  });

  it('still reports duplicate keys, with the line of the repeat and of the first', async () => {
    // agent_5 again at the end, and a key repeated inside the last agent.
    const extra = '  agent_5:\n    model: demo\n    model: demo\n';
    const file = write(agentsConfig(count, extra));
    const error = await configError(() => loadConfig({ path: file, env: {} }));
    const repeatLine = 4 + 3 * count;
    expect(error.issues.map((issue) => [issue.code, issue.message, issue.location])).toEqual([
      [
        'config.syntax',
        `Map keys must be unique: "agent_5" is repeated (first at ${file}:${4 + 3 * 5}:3)`,
        `${file}:${repeatLine}:3`,
      ],
      [
        'config.syntax',
        `Map keys must be unique: "model" is repeated (first at ${file}:${repeatLine + 1}:5)`,
        `${file}:${repeatLine + 2}:5`,
      ],
    ]);
  });
});
