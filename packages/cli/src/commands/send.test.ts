/**
 * `agentry send` steers a run driven by another process over a shared SQLite store: the run's next model
 * call sees the input, once, even across a crash and `agentry resume`; an ended run refuses input.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type CliOutcome, scratchDir, spawnCli } from '../__fixtures__/cli-harness.js';

/** A ceiling against hangs (several node starts on a loaded machine), not a timing assertion. */
const TEST_TIMEOUT_MS = 180_000;
const CHILD_LIMIT_MS = 150_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * `wait` writes its run id to `waiting` and returns once the file `go` exists. The `echo` model calls
 * `wait` for its first WAITS turns, then answers with the JSON list of the user messages it was sent.
 */
const PLUGINS = `import { existsSync, writeFileSync } from 'node:fs';
import { definePlugin, defineTool } from '@agentry/core';
import { z } from 'zod';

const here = (name) => new URL('./' + name, import.meta.url);
export const wait = defineTool({
  name: 'wait', description: 'Waits for the go file', input: z.object({}), sideEffects: 'none',
  execute: async (_input, context) => {
    writeFileSync(here('waiting'), context.runId);
    while (!existsSync(here('go'))) await new Promise((resolve) => setTimeout(resolve, 25));
    return 'went';
  },
});
const model = {
  kind: 'model', specVersion: 1, provider: 'test', modelId: 'echo',
  async generate({ messages }) {
    const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
    const turns = messages.filter((message) => message.role === 'assistant').length;
    if (turns < Number(process.env.WAITS ?? 1)) {
      return { text: '', toolCalls: [{ id: 'w' + turns, name: 'wait', input: {} }], usage, finishReason: 'tool-calls' };
    }
    const users = messages.filter((message) => message.role === 'user').map((message) => message.content);
    return { text: JSON.stringify(users), toolCalls: [], usage, finishReason: 'stop' };
  },
};
export const echo = definePlugin({
  kind: 'model', name: 'echo', description: 'Echoes the user messages', configSchema: z.object({}), create: () => model,
});
`;

const CONFIG = `version: 1
store: sqlite
models:
  echo: { impl: ./plugins.mjs#echo }
agents:
  assistant:
    model: echo
    durable: true
    tools:
      - { impl: ./plugins.mjs#wait }
`;

/** A child `agentry` process, killed if it outlives the limit. */
function startCli(argv: string[], cwd: string, env: Record<string, string>): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, ...argv], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The run id the `wait` tool wrote, once it is waiting; fails when the driving process ended first. */
async function waitingRun(dir: string, driver: Promise<CliOutcome>): Promise<string> {
  const file = path.join(dir, 'waiting');
  let ended: CliOutcome | undefined;
  void driver.then((outcome) => {
    ended = outcome;
  });
  while (!existsSync(file)) {
    if (ended) throw new Error(`the run ended before its wait tool: ${ended.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readFileSync(file, 'utf8');
}

/** The run's stored events, as `agentry events --json` prints them (one JSON line each). */
async function storedEvents(runId: string, cwd: string): Promise<{ type: string; data: unknown }[]> {
  const { stdout } = await spawnCli(['events', runId, '--json'], { cwd });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; data: unknown });
}

function project(): string {
  const scratch = scratchDir({ 'agentry.yaml': CONFIG, 'plugins.mjs': PLUGINS });
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('agentry send into a run driven by another process', { timeout: TEST_TIMEOUT_MS }, () => {
  it('the next model call of the run sees the input; an ended run refuses more', async () => {
    const cwd = project();
    const running = startCli(['run', 'assistant', 'How tall is the tower?', '--json'], cwd, {});
    const runId = await waitingRun(cwd, running);
    const sent = await spawnCli(['send', runId, 'Answer in metres', '--json'], { cwd });
    expect(sent.stderr).toBe('');
    expect(JSON.parse(sent.stdout)).toEqual({ runId, seq: 1, status: 'running' });
    writeFileSync(path.join(cwd, 'go'), '');
    const result = await running;
    expect(result.code).toBe(0);
    expect(JSON.parse(JSON.parse(result.stdout).output)).toEqual([
      'How tall is the tower?',
      'Answer in metres',
    ]);

    const late = await spawnCli(['send', runId, 'And in feet?'], { cwd });
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain('run.finished');
    const events = await storedEvents(runId, cwd);
    expect(events.filter((event) => event.type === 'run.input_received').map((event) => event.data)).toEqual([
      { seq: 1, text: 'Answer in metres' },
    ]);
  });

  // model-response:2 — the model saw the input, nothing of that step is saved; model-checkpoint:2 — it is saved.
  it.each(['model-response:2', 'model-checkpoint:2'])(
    'delivers the input exactly once when the driving process dies at %s after taking it, and the run is resumed',
    async (crashAt) => {
      const cwd = project();
      // Two wait turns; the process dies around the model call that saw the input.
      const env = { WAITS: '2', AGENTRY_RUN_LEASE_TTL_MS: '1000' };
      const crashing = startCli(['run', 'assistant', 'Plan the trip'], cwd, {
        ...env,
        AGENTRY_CRASH_AT: crashAt,
      });
      const runId = await waitingRun(cwd, crashing);
      expect((await spawnCli(['send', runId, 'Go by train', '--json'], { cwd })).code).toBe(0);
      writeFileSync(path.join(cwd, 'go'), '');
      expect((await crashing).code).not.toBe(0);

      const resumed = await startCli(['resume', runId, '--json'], cwd, env);
      expect(resumed.code).toBe(0);
      expect(JSON.parse(JSON.parse(resumed.stdout).output)).toEqual(['Plan the trip', 'Go by train']);
      const events = await storedEvents(runId, cwd);
      expect(events.filter((event) => event.type === 'run.input_received')).toHaveLength(1);
    },
  );
});

/** Resolves once the inbox of `runId` has an entry (another process sent into it); fails if `other` ended first. */
async function inboxFilled(cwd: string, runId: string, other: Promise<CliOutcome>): Promise<void> {
  const { SqliteStore } = await import('@agentry/plugins/store/sqlite');
  const store = new SqliteStore({ path: path.join(cwd, '.agentry', 'agentry.db') });
  let ended: CliOutcome | undefined;
  void other.then((outcome) => {
    ended = outcome;
  });
  try {
    while ((await store.get('run-inbox', runId)) === undefined) {
      if (ended) throw new Error(`the second run ended first: ${ended.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await store.close();
  }
}

describe('session policies across processes', { timeout: TEST_TIMEOUT_MS }, () => {
  it('steer: a second `agentry run` in the session sends its input into the active run and prints that run’s result', async () => {
    const cwd = project();
    const first = startCli(['run', 'assistant', 'Book a table', '--session', 'dinner', '--json'], cwd, {});
    const activeId = await waitingRun(cwd, first);
    const second = startCli(
      ['run', 'assistant', 'For four people', '--session', 'dinner', '--session-policy', 'steer', '--json'],
      cwd,
      {},
    );
    await inboxFilled(cwd, activeId, second);
    writeFileSync(path.join(cwd, 'go'), '');
    const [a, b] = await Promise.all([first, second]);
    const active = JSON.parse(a.stdout) as { runId: string; output: string };
    expect(JSON.parse(active.output)).toEqual(['Book a table', 'For four people']);
    expect(JSON.parse(b.stdout)).toMatchObject({
      runId: activeId,
      status: 'completed',
      output: active.output,
    });
  });

  it('interrupt: the active run stops at its next safe point (resumable) and the new run takes the session', async () => {
    const cwd = project();
    const first = startCli(['run', 'assistant', 'Long report', '--session', 'desk', '--json'], cwd, {});
    const activeId = await waitingRun(cwd, first);
    const second = startCli(
      ['run', 'assistant', 'Urgent question', '--session', 'desk', '--session-policy', 'interrupt', '--json'],
      cwd,
      {},
    );
    await inboxFilled(cwd, activeId, second);
    writeFileSync(path.join(cwd, 'go'), '');
    const [a, b] = await Promise.all([first, second]);
    expect(JSON.parse(a.stdout)).toMatchObject({ runId: activeId, status: 'interrupted' });
    const urgent = JSON.parse(b.stdout) as { status: string; output: string };
    expect(urgent.status).toBe('completed');
    expect(JSON.parse(urgent.output)).toEqual(['Urgent question']);
  });
});
