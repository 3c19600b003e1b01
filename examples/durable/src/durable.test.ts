/**
 * Real processes: `agentry run` is killed (SIGKILL) in the middle of a tool call; the run then resumes
 * from its SQLite checkpoint — with `agentry resume`, or with `runtime.resume` from another process —
 * and completes without repeating the tool call that had already completed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, type RunResult } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILES, readAttempts } from './report-tools.js';

const config = fileURLToPath(new URL('../agentry.yaml', import.meta.url));
const cli = join(
  dirname(createRequire(import.meta.url).resolve('@agentry/cli/package.json')),
  'bin',
  'agentry.js',
);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the agentry CLI in a child process and resolves when it exits, however it exits. */
function agentry(args: string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--config', config], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function journalLines(dir: string): string[] {
  return readFileSync(join(dir, FILES.journal), 'utf8').trim().split('\n');
}

// Each test spawns the CLI several times; node start-up is slow on a loaded machine. A ceiling, not a timing check.
const SPAWNING_TEST_TIMEOUT_MS = 90_000;

describe('a durable run killed mid-way', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'agentry-durable-'));
    env = {
      ...process.env,
      AGENTRY_DB: join(work, 'agentry.db'),
      DURABLE_WORKDIR: work,
      NO_COLOR: '1',
      // The killed process's run lease must expire before a resume may take the run over: keep it short, but
      // long enough that a loaded machine delaying its renewals does not take it away before the kill.
      AGENTRY_RUN_LEASE_TTL_MS: '3000',
    };
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /**
   * The resuming process's own lease: long, so a loaded machine that delays its renewals does not make it
   * fence itself off. It still takes over as soon as the killed process's 3 s lease has expired.
   */
  const resumeEnv = () => ({ ...env, AGENTRY_RUN_LEASE_TTL_MS: '15000' });

  /** Starts the run and checks the process died inside export_report, after the journal entry. */
  async function crash(agent = 'reporter'): Promise<string> {
    const killed = await agentry(['run', agent, 'Export the weekly report', '--no-interactive'], env);
    expect(killed.signal).toBe('SIGKILL');
    const attempts = readAttempts(work);
    expect(attempts).toHaveLength(1);
    expect(journalLines(work)).toHaveLength(1);
    expect(existsSync(join(work, FILES.report))).toBe(false);
    return attempts[0]!.runId;
  }

  it('completes with `agentry resume`, running export_report again but never append_journal', async () => {
    const runId = await crash();

    const resumed = await agentry(['resume', runId, '--no-interactive', '--json'], resumeEnv());
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout) as RunResult;
    expect(result).toMatchObject({
      runId,
      status: 'completed',
      stopReason: 'completed',
      output: 'The weekly report is exported to report.txt.',
    });

    // The completed call is not repeated: still one journal line, written by the first process.
    expect(journalLines(work)).toEqual([`${runId}:1:call_1_1\tweekly report started`]);
    // The interrupted idempotent call ran again, in the new process, with the same idempotency key.
    const attempts = readAttempts(work);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
    expect(attempts[1]!.pid).not.toBe(attempts[0]!.pid);
    expect(readFileSync(join(work, FILES.report), 'utf8')).toContain('Report weekly');

    const listed = await agentry(['runs', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { runId, status: 'completed', usage: { modelCalls: 3 } },
    ]);
  });

  it('completes with runtime.resume from an embedding process sharing the store', async () => {
    const runId = await crash();

    const runtime = await createRuntime({ config, env: resumeEnv() });
    try {
      const result = await runtime.resume(runId);
      expect(result).toMatchObject({
        status: 'completed',
        output: 'The weekly report is exported to report.txt.',
      });
      expect(journalLines(work)).toHaveLength(1);
      expect(readAttempts(work)).toHaveLength(2);
    } finally {
      await runtime.close();
    }
  });

  it('asks before repeating an interrupted unsafe call, then retries it on --retry', async () => {
    const runId = await crash('cautious-reporter');

    const waiting = await agentry(['resume', runId, '--no-interactive', '--json'], resumeEnv());
    expect(waiting.code).toBe(3);
    const suspended = JSON.parse(waiting.stdout) as RunResult;
    expect(suspended).toMatchObject({ status: 'suspended', stopReason: 'outcome_unknown' });
    expect(suspended.pending).toMatchObject([{ tool: 'export_report', reason: 'outcome_unknown' }]);
    expect(readAttempts(work)).toHaveLength(1);

    const callId = suspended.pending[0]!.callId;
    const retried = await agentry(
      ['resume', runId, '--retry', callId, '--no-interactive', '--json'],
      resumeEnv(),
    );
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ status: 'completed' });
    expect(readAttempts(work)).toHaveLength(2);
    expect(journalLines(work)).toHaveLength(1);
  });
});
