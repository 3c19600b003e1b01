/**
 * `agentry cancel` and `agentry interrupt` stop a run another process drives (over a shared SQLite store):
 * the driving process stops it at its next step boundary; an interrupted durable run resumes anywhere.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../__fixtures__/cli-harness.js';
import { project, startCli, waitingRun } from '../__fixtures__/steering-project.js';

/** A ceiling against hangs (several node starts on a loaded machine), not a timing assertion. */
const TEST_TIMEOUT_MS = 180_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('stopping a run another process drives', { timeout: TEST_TIMEOUT_MS }, () => {
  it('agentry cancel: the run ends cancelled at its next step boundary and cannot be resumed', async () => {
    const cwd = project(cleanups);
    const running = startCli(['run', 'assistant', 'How tall is the tower?', '--json'], cwd, {});
    const runId = await waitingRun(cwd, running);
    const cancel = await spawnCli(['cancel', runId, '--reason', 'wrong tower'], { cwd });
    expect(cancel.stderr).toBe('');
    expect(cancel.stdout).toContain(`Cancel requested for run ${runId}`);
    writeFileSync(path.join(cwd, 'go'), '');
    const result = await running;
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });

    const shown = await spawnCli(['runs', 'show', runId, '--json'], { cwd });
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'cancelled' });
    const again = await spawnCli(['cancel', runId], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `Run ${runId} is cancelled; only a running or queued run can be cancelled.`,
    );
  });

  it('agentry interrupt --wait: waits until the durable run is interrupted; agentry resume finishes it', async () => {
    const cwd = project(cleanups);
    const running = startCli(['run', 'assistant', 'How tall is the tower?', '--json'], cwd, {});
    const runId = await waitingRun(cwd, running);
    const interrupt = startCli(['interrupt', runId, '--wait', '--json'], cwd, {});
    // The run stops once its tool returns (its next step boundary), after the request was stored.
    await inboxHolds(cwd, runId);
    writeFileSync(path.join(cwd, 'go'), '');
    const [interrupted, result] = await Promise.all([interrupt, running]);
    expect(interrupted.stderr).toBe('');
    expect(JSON.parse(interrupted.stdout)).toMatchObject({ runId, status: 'interrupted' });
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'interrupted' });

    const resumed = await startCli(['resume', runId, '--json'], cwd, {});
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed' });
  });

  it('refuses an unknown run and a bad --timeout with what to fix', async () => {
    const cwd = project(cleanups);
    const unknown = await spawnCli(['interrupt', 'run_nope'], { cwd });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No run "run_nope" in the store');
    const timeout = await spawnCli(['cancel', 'run_nope', '--wait', '--timeout', 'soon'], { cwd });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout must be a positive number of seconds, not "soon".');
  });
});

/** Resolves once the run's inbox has a stored entry (the interrupt request). */
async function inboxHolds(cwd: string, runId: string): Promise<void> {
  const { SqliteStore } = await import('@agentry/plugins/store/sqlite');
  const store = new SqliteStore({ path: path.join(cwd, '.agentry', 'agentry.db') });
  try {
    while ((await store.get('run-inbox', runId)) === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await store.close();
  }
}
