/** The store `createRuntime` picks when the config sets none. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../contracts/services.js';
import { createRuntime } from './create-runtime.js';

const yaml = `
version: 1
models:
  demo: { provider: scripted, script: [done] }
agents:
  assistant: { model: demo, durable: true }
`;

/** A logger that keeps its warnings. */
function keepingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return {
    warnings,
    logger: { debug: ignore, info: ignore, error: ignore, warn: (message) => warnings.push(message) },
  };
}

// A directory from which @agentry/plugins resolves (this repository's node_modules chain), kept out of git.
const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
mkdirSync(cache, { recursive: true });
const insideProject = mkdtempSync(join(cache, 'agentry-default-store-'));
const outsideProject = mkdtempSync(join(tmpdir(), 'agentry-default-store-'));
afterAll(() => {
  rmSync(insideProject, { recursive: true, force: true });
  rmSync(outsideProject, { recursive: true, force: true });
});

// The first test loads the sqlite store through the plugin loader: ~12 s of a 20 s default on a loaded
// 2-core machine. A ceiling against hangs, not a timing check.
describe('the default store', { timeout: 60_000 }, () => {
  it('is sqlite beside a config file when @agentry/plugins is installed: runs outlive the runtime', async () => {
    const config = join(insideProject, 'agentry.yaml');
    writeFileSync(config, yaml);
    const { logger, warnings } = keepingLogger();
    const first = await createRuntime({ config, logger });
    const result = await first.run({ agent: 'assistant', input: 'hi' });
    await first.close();
    expect(existsSync(join(insideProject, '.agentry', 'agentry.db'))).toBe(true);
    const second = await createRuntime({ config, logger });
    expect((await second.runs.get(result.runId))?.status).toBe('completed');
    await second.close();
    expect(warnings).toEqual([]);
  });

  it('is in-memory with one warning when @agentry/plugins cannot be found from the config', async () => {
    const config = join(outsideProject, 'agentry.yaml');
    writeFileSync(config, yaml);
    const { logger, warnings } = keepingLogger();
    const first = await createRuntime({ config, logger });
    const result = await first.run({ agent: 'assistant', input: 'hi' });
    await first.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'runs will not survive this process; install @agentry/plugins or set store:',
    );
    const second = await createRuntime({ config, logger });
    expect(await second.runs.get(result.runId)).toBeUndefined();
    await second.close();
    expect(existsSync(join(outsideProject, '.agentry'))).toBe(false);
  });

  it('stays in-memory, without a warning, for a config object passed in code', async () => {
    const { logger, warnings } = keepingLogger();
    const runtime = await createRuntime({
      config: {
        version: 1,
        agents: { assistant: { model: 'demo' } },
        models: { demo: { provider: 'scripted', script: ['ok'] } },
      },
      cwd: insideProject,
      logger,
    });
    expect((await runtime.run({ agent: 'assistant', input: 'hi' })).output).toBe('ok');
    await runtime.close();
    expect(warnings).toEqual([]);
  });
});
