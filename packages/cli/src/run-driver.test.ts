import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, quickstartCopy } from './__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A pristine copy of examples/quickstart (no store, no summary.md a demo run may have left). */
function quickstart(): string {
  const scratch = quickstartCopy();
  cleanups.push(scratch.remove);
  return scratch.dir;
}

const TASK = 'Summarise notes.md into summary.md';

describe('agentry run on a terminal', () => {
  it('asks inline before a gated call; "allow" lets the run complete', async () => {
    const cwd = quickstart();
    const result = await cli(['run', 'assistant', TASK], { cwd, tty: true, stdin: 'a\n' });
    expect(result.stderr).toContain('write-file wants to run with {"path":"summary.md"');
    // The model's text streams on the terminal, under steps counted from 1.
    expect(result.stderr).toContain('model step 1 › Let me see what is in the workspace.\n');
    expect(result.stderr).toContain('model step 3 › I will write the summary now.\n');
    expect(result.stderr).toMatch(/completed · stop: completed/);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Done. The summary is in workspace/summary.md.\n');
    expect(readFileSync(path.join(cwd, 'workspace/summary.md'), 'utf8')).toContain('# Summary');
  });

  it('"deny" with a reason: the call does not run and the model carries on', async () => {
    const cwd = quickstart();
    const result = await cli(['run', 'assistant', TASK], { cwd, tty: true, stdin: 'd\nnot today\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('denied: not today');
    expect(existsSync(path.join(cwd, 'workspace/summary.md'))).toBe(false);
  });

  it('"edit input" runs the call with the edited input, once it matches the tool schema', async () => {
    const cwd = quickstart();
    const edited = JSON.stringify({ path: 'edited.md', content: 'edited by a human' });
    const result = await cli(['run', 'assistant', TASK], {
      cwd,
      tty: true,
      stdin: `e\n{"path":"edited.md"}\n${edited}\n`,
    });
    expect(result.stderr).toContain('does not match the input schema of write-file');
    expect(result.stderr).toMatch(/→ at content/);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'workspace/edited.md'), 'utf8')).toBe('edited by a human');
    expect(existsSync(path.join(cwd, 'workspace/summary.md'))).toBe(false);
  });

  it('--json on a terminal does not stream the model text: each response comes as a whole line on stderr', async () => {
    const cwd = quickstart();
    const result = await cli(['run', 'assistant', TASK, '--json', '--approve', 'write-file'], {
      cwd,
      tty: true,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      '  model step 1 › Let me see what is in the workspace.\n  model step 1 · 1 tool call',
    );
    expect(result.stderr).toContain('model step 4 · stop');
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed' });
  });

  it('--no-interactive suspends instead of asking, exits 3 and prints the resume commands', async () => {
    const cwd = quickstart();
    const result = await cli(['run', 'assistant', TASK, '--no-interactive'], {
      cwd,
      tty: true,
      stdin: 'a\n',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('wants to run');
    expect(result.stderr).toMatch(/agentry resume run_\S+ --approve \S+/);
    expect(result.stderr).toMatch(/agentry resume run_\S+ --deny \S+ --reason/);
  });

  it('when stdin ends before an answer, the run stays suspended (exit 3)', async () => {
    const cwd = quickstart();
    const result = await cli(['run', 'assistant', TASK], { cwd, tty: true, stdin: '' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('agentry resume');
  });
});

describe('after a run: runs, runs show, events', () => {
  it('lists the run, shows it, and replays its events (--follow ends once the run has ended)', async () => {
    const cwd = quickstart();
    const run = await cli(
      ['run', 'assistant', TASK, '--approve', 'write-file', '--session', 'demo', '--json'],
      { cwd },
    );
    expect(run.code).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };

    const listed = await cli(['runs', '--session', 'demo'], { cwd });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${runId}\\tassistant\\tcompleted\\tcompleted\\t`, 'm'));
    const none = await cli(['runs', '--session', 'other', '--json'], { cwd });
    expect(JSON.parse(none.stdout)).toEqual([]);
    const badStatus = await cli(['runs', '--status', 'done'], { cwd });
    expect(badStatus.code).toBe(2);

    const shown = await cli(['runs', 'show', runId], { cwd });
    expect(shown.stdout).toContain(`${runId}  completed (completed)`);
    expect(shown.stdout).toContain('session  demo');

    const events = await cli(['events', runId, '--follow'], { cwd });
    expect(events.code).toBe(0);
    expect(events.stdout.split('\n')[0]).toMatch(/^#\s+1 \S+ run\.started/);
    expect(events.stdout).toMatch(/run\.completed\s+"Done\./);

    const missing = await cli(['events', 'run_missing'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[run.not_found]');
  });
});
