/** End-to-end, durable runs: Ctrl-C, a crash and its resume, and following a run from another process. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, SPAWN_TEST_TIMEOUT_MS, scratchDir, spawnCli } from './__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const SLOW_CONFIG = `version: 1
store: sqlite
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: slow, input: { seconds: 30 } }]
      - Finished.
agents:
  waiter:
    model: demo
    durable: true
    tools:
      - { impl: ./slow-tool.mjs#slow }
`;

const SLOW_TOOL = `import { defineTool } from '@agentry/core';
import { z } from 'zod';

export const slow = defineTool({
  name: 'slow',
  description: 'Waits, unless the run is cancelled',
  input: z.object({ seconds: z.number() }),
  sideEffects: 'none',
  execute: ({ seconds }, context) =>
    new Promise((resolve, reject) => {
      const wait = Number(process.env.SLOW_SECONDS ?? seconds);
      const timer = setTimeout(() => resolve({ waited: wait }), wait * 1000);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(context.signal.reason ?? new Error('aborted'));
      });
    }),
});
`;

/** Starts `agentry <argv>` and sends `signal` once the slow tool is running; resolves with what it printed. */
async function signalDuringTool(
  argv: string[],
  cwd: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd,
    env: { PATH: process.env.PATH },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (!sent && stderr.includes('1 tool call')) {
      sent = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('agentry binary: SIGINT and SIGTERM', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} interrupts a durable run: checkpoint written, resumable, the resume command printed; the resume finishes it`, async () => {
      const scratch = scratchDir({ 'agentry.yaml': SLOW_CONFIG, 'slow-tool.mjs': SLOW_TOOL });
      cleanups.push(scratch.remove);
      const cwd = scratch.dir;
      const stopped = await signalDuringTool(['run', 'waiter', 'wait please', '--json'], cwd, signal);
      expect(stopped.stderr).toContain('Interrupting at the next safe point');
      const result = JSON.parse(stopped.stdout) as { runId: string; resumeCommands: string[] };
      expect(result).toMatchObject({ status: 'interrupted', stopReason: 'interrupted' });
      expect(result.resumeCommands).toEqual([`npx agentry resume ${result.runId}`]);
      expect(stopped.stderr).toContain(`npx agentry resume ${result.runId}`);
      expect(stopped.code).toBe(exitCode);
      // The run is resumable from another process, at once (its lease was released).
      const record = await cli(['runs', '--json'], { cwd });
      expect(JSON.parse(record.stdout)).toMatchObject([{ runId: result.runId, status: 'interrupted' }]);
      const resumed = await spawnCli(['resume', result.runId], { cwd, env: { SLOW_SECONDS: '0' } });
      expect(resumed.stderr).not.toContain('error');
      expect(resumed.stdout).toBe('Finished.\n');
      expect(resumed.code).toBe(0);
    });
  }

  it('Ctrl-C cancels a run that is not durable, as before: stop reason cancelled, exit 1', async () => {
    const scratch = scratchDir({
      'agentry.yaml': SLOW_CONFIG.replace('durable: true', 'durable: false'),
      'slow-tool.mjs': SLOW_TOOL,
    });
    cleanups.push(scratch.remove);
    const stopped = await signalDuringTool(['run', 'waiter', 'wait please', '--json'], scratch.dir, 'SIGINT');
    expect(stopped.stderr).toContain('Cancelling');
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
    expect(stopped.code).toBe(1);
  });
});

const SEND_CONFIG = `version: 1
store: sqlite
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: send, input: { to: alice } }]
      - Sent.
agents:
  sender:
    model: demo
    durable: true
    tools:
      - { impl: ./send-tool.mjs#send }
`;

const SEND_TOOL = `import { appendFileSync } from 'node:fs';
import { defineTool } from '@agentry/core';
import { z } from 'zod';

export const send = defineTool({
  name: 'send',
  description: 'Sends a message (appends to sent.log)',
  input: z.object({ to: z.string() }),
  sideEffects: 'unsafe',
  execute: ({ to }) => {
    appendFileSync(new URL('./sent.log', import.meta.url), to + '\\n');
    return { sent: to };
  },
});
`;

describe('agentry binary: a crashed durable run', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('resume asks about the unsafe call whose outcome is unknown; --skip records a result without running it', async () => {
    const scratch = scratchDir({ 'agentry.yaml': SEND_CONFIG, 'send-tool.mjs': SEND_TOOL });
    cleanups.push(scratch.remove);
    const cwd = scratch.dir;
    // The crashed process's run lease must expire before the resume may take the run over: keep it short
    // (not so short that a loaded machine passes the resuming process's local lease deadline).
    const env = { AGENTRY_RUN_LEASE_TTL_MS: '1000' };
    const crashed = await spawnCli(['run', 'sender', 'go'], {
      cwd,
      env: { ...env, AGENTRY_CRASH_AT: 'tool-started:1' },
    });
    expect(crashed.code).not.toBe(0);
    const [record] = JSON.parse((await spawnCli(['runs', '--json'], { cwd, env })).stdout) as {
      runId: string;
      status: string;
    }[];
    expect(record!.status).toBe('running');

    const unknown = await spawnCli(['resume', record!.runId, '--json'], { cwd, env });
    expect(unknown.code).toBe(3);
    const suspended = JSON.parse(unknown.stdout) as {
      stopReason: string;
      pending: { callId: string; reason: string }[];
    };
    expect(suspended.stopReason).toBe('outcome_unknown');
    const callId = suspended.pending[0]!.callId;
    expect(unknown.stderr).toContain(`--skip ${callId} --result '<json>'`);

    const skipped = await spawnCli(
      ['resume', record!.runId, '--skip', callId, '--result', '{"sent":"alice"}'],
      { cwd, env },
    );
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe('Sent.\n');
    expect(existsSync(path.join(cwd, 'sent.log'))).toBe(false);
  });
});

describe('agentry events --follow', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('prints the events of a run another process is executing, until it completes', async () => {
    const scratch = scratchDir({
      'agentry.yaml': SLOW_CONFIG.replace('seconds: 30', 'seconds: 2'),
      'slow-tool.mjs': SLOW_TOOL,
    });
    cleanups.push(scratch.remove);
    const cwd = scratch.dir;
    const running = spawnCli(['run', 'waiter', 'wait a bit'], { cwd });
    let runId: string | undefined;
    while (runId === undefined) {
      const listed = await cli(['runs', '--json'], { cwd });
      runId = listed.code === 0 ? (JSON.parse(listed.stdout) as { runId: string }[])[0]?.runId : undefined;
    }
    const followed = await cli(['events', runId, '--follow', '--interval', '50', '--json'], { cwd });
    expect(followed.code).toBe(0);
    const types = followed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('tool.succeeded');
    expect(types.at(-1)).toBe('run.completed');
    expect((await running).code).toBe(0);
  });
});

describe('Ctrl-C in-process', () => {
  it('a second Ctrl-C exits at once with 130', async () => {
    const scratch = scratchDir({ 'agentry.yaml': SLOW_CONFIG, 'slow-tool.mjs': SLOW_TOOL });
    cleanups.push(scratch.remove);
    const handlers: ((signal: 'SIGINT' | 'SIGTERM') => void)[] = [];
    const exits: number[] = [];
    let interrupted = false;
    const stderr = {
      text: '',
      write(chunk: string) {
        this.text += chunk;
        if (!interrupted && this.text.includes('1 tool call')) {
          interrupted = true;
          queueMicrotask(() => {
            for (const handler of [...handlers]) handler('SIGINT');
            for (const handler of [...handlers]) handler('SIGINT');
          });
        }
        return true;
      },
    };
    const result = await cli(['run', 'waiter', 'wait please'], {
      cwd: scratch.dir,
      io: {
        stderr,
        onInterrupt: (handler) => {
          handlers.push(handler);
          return () => handlers.splice(handlers.indexOf(handler), 1);
        },
        exit: (code) => {
          exits.push(code);
        },
      },
    });
    expect(exits).toEqual([130]);
    expect(stderr.text).toContain('Interrupting');
    expect(result.code).toBe(130);
  });
});
