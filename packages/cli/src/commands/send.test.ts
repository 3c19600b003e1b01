/**
 * `agentry send` steers a run driven by another process over a shared SQLite store: the run's next model
 * call sees the input, once, even across a crash and `agentry resume`; an ended run refuses input.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliOutcome, spawnCli } from '../__fixtures__/cli-harness.js';
import { project, startCli, storedEvents, waitingRun } from '../__fixtures__/steering-project.js';

/** A ceiling against hangs (several node starts on a loaded machine), not a timing assertion. */
const TEST_TIMEOUT_MS = 180_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('agentry send into a run driven by another process', { timeout: TEST_TIMEOUT_MS }, () => {
  it('the next model call of the run sees the input; an ended run refuses more', async () => {
    const cwd = project(cleanups);
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
      const cwd = project(cleanups);
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
    const cwd = project(cleanups);
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
    const cwd = project(cleanups);
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
    // The interrupt request was acted on once: the resumed run goes on to its end.
    const resumed = await startCli(['resume', activeId, '--json'], cwd, {});
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId: activeId, status: 'completed' });
    expect(JSON.parse(JSON.parse(resumed.stdout).output)).toEqual(['Long report']);
  });
});
