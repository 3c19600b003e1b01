/** Builds a runtime from agentry.yaml (custom memory + custom tool loaded by path) and runs the agent. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnyAgentryEvent, createRuntime, type Runtime } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const config = fileURLToPath(new URL('../agentry.yaml', import.meta.url));

describe('the notes agent of agentry.yaml', () => {
  let runtime: Runtime | undefined;
  let work: string;
  /** The config's SQLite store moved to a fresh temp dir: nothing from earlier runs, nothing left in the repo. */
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'agentry-custom-plugin-'));
    env = { ...process.env, AGENTRY_DB: join(work, 'agentry.db') };
  });
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  it('runs to completion, calling the custom tool once', async () => {
    runtime = await createRuntime({ config, env });
    const result = await runtime.run({
      agent: 'notes',
      input: 'Count the words of my note about my cat.',
    });
    expect(result.status).toBe('completed');
    expect(result.stopReason).toBe('completed');
    expect(result.output).toBe('That note has 11 words. I will remember it.');
    expect(result.usage.toolCalls).toBe(1);
    const events = await runtime.runs.events(result.runId);
    const succeeded = events.filter((event) => event.type === 'tool.succeeded');
    expect(succeeded.map((event) => (event.data as { tool: string }).tool)).toEqual(['word_count']);
  });

  it('recalls the first run of a session in the second one through the custom memory', async () => {
    runtime = await createRuntime({ config, env });
    const sessionId = `session_cat_${randomUUID()}`;
    const first = await runtime.run({
      agent: 'notes',
      sessionId,
      input: 'My cat is called Miso.',
    });
    const second = await runtime.run({
      agent: 'notes',
      sessionId,
      input: 'What is my cat called?',
    });
    expect([first.status, second.status]).toEqual(['completed', 'completed']);
    const injected = async (runId: string) =>
      (await runtime!.runs.events(runId))
        .filter((event: AnyAgentryEvent) => event.type === 'memory.injected')
        .map((event) => event.data);
    expect(await injected(first.runId)).toEqual([{ memory: 'keyword', messages: 0 }]);
    expect(await injected(second.runId)).toEqual([{ memory: 'keyword', messages: 1 }]);
  });

  it('refuses an invalid memory config with an error naming the YAML key', async () => {
    await expect(
      createRuntime({
        config: {
          version: 1,
          models: { demo: { provider: 'scripted', script: ['hi'] } },
          agents: {
            notes: {
              model: 'demo',
              memory: { impl: './src/keyword-memory.ts#keywordMemory', config: { limit: 0 } },
            },
          },
        },
        cwd: fileURLToPath(new URL('..', import.meta.url)),
      }),
    ).rejects.toMatchObject({
      code: 'plugin.config_invalid',
      message: expect.stringContaining('agents.notes.memory.config.limit'),
    });
  });
});
