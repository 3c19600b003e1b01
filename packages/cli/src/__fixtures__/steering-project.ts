/** Test helpers of the steering tests: a project whose run waits in a tool, and `agentry` child processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, type CliOutcome, scratchDir, spawnCli } from './cli-harness.js';

/** How long a child process may live (a ceiling against hangs). */
const CHILD_LIMIT_MS = 150_000;

/**
 * `wait` writes its run id to `waiting` and returns once the file `go` exists. The `echo` model calls
 * `wait` for its first WAITS turns, then answers with the JSON list of the user messages it was sent.
 */
export const PLUGINS = `import { existsSync, writeFileSync } from 'node:fs';
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

export const CONFIG = `version: 1
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
export function startCli(argv: string[], cwd: string, env: Record<string, string>): Promise<CliOutcome> {
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
export async function waitingRun(dir: string, driver: Promise<CliOutcome>): Promise<string> {
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
export async function storedEvents(runId: string, cwd: string): Promise<{ type: string; data: unknown }[]> {
  const { stdout } = await spawnCli(['events', runId, '--json'], { cwd });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; data: unknown });
}

/** A scratch project (`store` line of the config replaced by `store`); `cleanups` gets its removal. */
export function project(cleanups: (() => void)[], store = 'store: sqlite'): string {
  const scratch = scratchDir({
    'agentry.yaml': CONFIG.replace('store: sqlite', store),
    'plugins.mjs': PLUGINS,
  });
  cleanups.push(scratch.remove);
  return scratch.dir;
}
