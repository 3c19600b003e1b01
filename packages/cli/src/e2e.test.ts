/** End-to-end: spawns the built binary (`node bin/agentry.js`): exit codes, streams, --json output, a gated run and its resume. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  quickstartCopy,
  REPO_DIR,
  SPAWN_TEST_TIMEOUT_MS,
  scratchDir,
  spawnCli,
} from './__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A pristine copy of examples/quickstart (no store, no summary.md a demo run may have left). */
function quickstart(): string {
  const scratch = quickstartCopy();
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('agentry binary: inspection commands', { timeout: SPAWN_TEST_TIMEOUT_MS }, () => {
  it('validate exits 0 on the examples and 2 with file:line:col on a broken file', async () => {
    for (const file of [
      'quickstart/agentry.yaml',
      'providers/openai.yaml',
      'providers/anthropic.yaml',
      'providers/ollama.yaml',
    ]) {
      const result = await spawnCli(['validate', '--config', path.join(REPO_DIR, 'examples', file)]);
      expect(result.stderr, file).toBe('');
      expect(result.code, file).toBe(0);
    }
    const scratch = scratchDir(
      { 'agentry.yaml': 'version: 1\nagents:\n  a:\n    modle: x\n' },
      { inRepo: false },
    );
    cleanups.push(scratch.remove);
    const broken = await spawnCli(['validate'], { cwd: scratch.dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/agentry\.yaml:4:5\s+agents\.a\.modle/);
    expect(broken.stderr).toContain('"model"');
  });

  it('--json output parses as one document: plugins, validate, doctor', async () => {
    const plugins = await spawnCli(['plugins', '--json']);
    expect(plugins.code).toBe(0);
    expect((JSON.parse(plugins.stdout) as unknown[]).length).toBeGreaterThan(30);
    const validate = await spawnCli([
      'validate',
      '--json',
      '--config',
      path.join(REPO_DIR, 'examples/quickstart/agentry.yaml'),
    ]);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, agents: ['assistant'] });
    const cwd = quickstart();
    const doctor = await spawnCli(['doctor', '--json'], { cwd });
    const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(report.checks.map((check) => check.name)).toEqual([
      'node',
      'config',
      'store',
      'queue',
      'model demo',
    ]);
    expect(report.ok).toBe(true);
    expect(doctor.code).toBe(0);
  });

  it('exits quietly when the reader of stdout goes away (agentry … | head -1)', async () => {
    const cwd = quickstart();
    for (const argv of [
      ['plugins'],
      ['schema'],
      ['run', 'assistant', 'Summarise notes.md', '--approve', 'write-file', '--json'],
    ]) {
      const result = await spawnCli(argv, { cwd, closeStdout: true });
      expect(result.stderr, argv.join(' ')).not.toContain('EPIPE');
      expect(result.stderr, argv.join(' ')).not.toContain('    at ');
      expect(result.code, argv.join(' ')).toBe(0);
    }
  });

  it('usage errors exit 2; schema prints JSON', async () => {
    expect((await spawnCli(['frobnicate'])).code).toBe(2);
    expect((await spawnCli(['run', '--bogus'])).code).toBe(2);
    const schema = await spawnCli(['schema']);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toHaveProperty('properties.agents');
  });
});

describe('agentry binary: a gated run suspends, resumes from another process, and leaves a record', {
  timeout: SPAWN_TEST_TIMEOUT_MS,
}, () => {
  it('run → exit 3 with resume commands → resume --approve → completed', async () => {
    const cwd = quickstart();
    const task = 'Summarise notes.md into summary.md';
    const first = await spawnCli(['run', 'assistant', task, '--json'], { cwd });
    expect(first.code).toBe(3);
    const suspended = JSON.parse(first.stdout) as {
      runId: string;
      status: string;
      stopReason: string;
      pending: { callId: string; tool: string }[];
      resumeCommands: string[];
    };
    expect(suspended).toMatchObject({ status: 'suspended', stopReason: 'awaiting_approval' });
    expect(suspended.pending).toHaveLength(1);
    const call = suspended.pending[0]!;
    expect(call.tool).toBe('write-file');
    expect(first.stderr).toContain(`agentry resume ${suspended.runId} --approve ${call.callId}`);
    expect(first.stderr).toMatch(/tool\s+read-file .*notes\.md.* ok/);
    expect(existsSync(path.join(cwd, 'workspace/summary.md'))).toBe(false);

    const shown = await spawnCli(['runs', 'show', suspended.runId], { cwd });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`--approve ${call.callId}`);
    for (const argv of [
      ['runs', 'show', suspended.runId, '--json'],
      ['runs', 'show', suspended.runId, '--json', '--config', 'agentry.yaml'],
      ['runs', '--config', 'agentry.yaml', 'show', '--json', suspended.runId],
    ]) {
      const shownJson = await spawnCli(argv, { cwd });
      expect(shownJson.code, argv.join(' ')).toBe(0);
      expect(JSON.parse(shownJson.stdout), argv.join(' ')).toMatchObject({
        runId: suspended.runId,
        status: 'suspended',
        durable: true,
        pending: [{ callId: call.callId, tool: 'write-file' }],
      });
    }

    const resumed = await spawnCli(['resume', suspended.runId, '--approve', call.callId, '--json'], { cwd });
    expect(resumed.stderr).not.toContain('[run.');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      runId: suspended.runId,
      status: 'completed',
      stopReason: 'completed',
    });
    expect(readFileSync(path.join(cwd, 'workspace/summary.md'), 'utf8')).toContain('# Summary');

    const runs = await spawnCli(['runs', '--json'], { cwd });
    const records = JSON.parse(runs.stdout) as { runId: string; status: string }[];
    expect(records).toContainEqual(expect.objectContaining({ runId: suspended.runId, status: 'completed' }));

    const events = await spawnCli(['events', suspended.runId, '--json'], { cwd });
    expect(events.code).toBe(0);
    const lines = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; seq: number });
    expect(lines.map((event) => event.seq)).toEqual(lines.map((_, index) => index + 1));
    expect(lines[0]!.type).toBe('run.started');
    expect(lines.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'tool.approval_requested',
        'run.suspended',
        'run.resumed',
        'tool.succeeded',
        'run.completed',
      ]),
    );

    const again = await spawnCli(['resume', suspended.runId, '--approve', call.callId], { cwd });
    expect(again.code).toBe(2);
  });

  it('--approve <tool> lets the run complete without stopping; plain text goes to stdout', async () => {
    const cwd = quickstart();
    const result = await spawnCli(['run', 'assistant', 'Summarise notes.md', '--approve', 'write-file'], {
      cwd,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Done. The summary is in workspace/summary.md.\n');
    expect(result.stderr).toMatch(/completed · stop: completed · [\d,]+ tokens/);
    expect(result.stderr).not.toContain('\u001b[');
  });

  it('piped progress: the model text as plain lines, checkpoint marks only with --verbose, nothing with --quiet', async () => {
    const cwd = quickstart();
    const args = ['run', 'assistant', 'Summarise notes.md', '--approve', 'write-file'];
    const plain = await spawnCli(args, { cwd });
    expect(plain.stderr).toContain(
      '  model step 1 › Let me see what is in the workspace.\n  model step 1 · 1 tool call',
    );
    expect(plain.stderr).not.toContain('checkpoint');
    expect(plain.stderr).not.toContain('\u001b[');
    const verbose = await spawnCli(['--verbose', ...args], { cwd });
    expect(verbose.stderr).toMatch(/◆ checkpoint after step 1 \(\d+ bytes\)/);
    const quiet = await spawnCli([...args, '--quiet'], { cwd });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('Done. The summary is in workspace/summary.md.\n');
    expect(quiet.stderr).toBe('');
  });

  it('input from stdin, and an unknown agent is a usage error with a did-you-mean', async () => {
    const cwd = quickstart();
    const piped = await spawnCli(['run', 'assistant', '--deny', 'write-file', '--json'], {
      cwd,
      stdin: 'Summarise notes.md',
    });
    // The demo model reacts to the denial: its last sentence says so instead of claiming the file was written.
    expect(JSON.parse(piped.stdout)).toMatchObject({
      status: 'completed',
      output:
        'I did not write workspace/summary.md because the write was denied. Nothing in ./workspace was changed.',
    });
    expect(existsSync(path.join(cwd, 'workspace/summary.md'))).toBe(false);
    const wrong = await spawnCli(['run', 'asistant', 'hi'], { cwd });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Did you mean "assistant"?');
  });
});
