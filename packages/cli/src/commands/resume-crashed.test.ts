/** `agentry resume` of a crashed run says that it waits for the crashed process's lease, before it waits. */
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir, spawnCli } from '../__fixtures__/cli-harness.js';
import { leaseWaitSeconds } from './resume.js';

/** A ceiling against hangs (several node starts), not a timing assertion. */
const TEST_TIMEOUT_MS = 120_000;

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: sqlite
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: read-file, input: { path: notes.txt } }]
      - Read it.
agents:
  reader:
    model: demo
    durable: true
    tools:
      - { type: read-file, config: { root: . } }
`;

describe('agentry resume of a crashed run', { timeout: TEST_TIMEOUT_MS }, () => {
  it('prints one line about the lease wait on stderr, then completes the run', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG, 'notes.txt': 'hello' });
    cleanups.push(scratch.remove);
    const cwd = scratch.dir;
    // Short, so the resume waits little; not so short that a loaded machine passes the lease's local deadline.
    const env = { AGENTRY_RUN_LEASE_TTL_MS: '1000' };
    const crashed = await spawnCli(['run', 'reader', 'go'], {
      cwd,
      env: { ...env, AGENTRY_CRASH_AT: 'model-checkpoint:1' },
    });
    expect(crashed.code).not.toBe(0);
    const [record] = JSON.parse((await spawnCli(['runs', '--json'], { cwd, env })).stdout) as {
      runId: string;
      status: string;
    }[];
    expect(record!.status).toBe('running');

    const resumed = await spawnCli(['resume', record!.runId], { cwd, env });
    const waitLines = resumed.stderr.split('\n').filter((line) => line.includes('lease'));
    expect(waitLines).toEqual([
      `Waiting up to 2s for the crashed process's lease on run ${record!.runId} to expire…`,
    ]);
    expect(resumed.stderr.indexOf('lease')).toBeLessThan(resumed.stderr.indexOf('completed'));
    expect(resumed.code).toBe(0);

    const again = await spawnCli(['resume', record!.runId], { cwd, env });
    expect(again.stderr).not.toContain('lease');
  });

  it('waits twice the lease TTL: env AGENTRY_RUN_LEASE_TTL_MS, else the default', () => {
    expect(leaseWaitSeconds({ AGENTRY_RUN_LEASE_TTL_MS: '300' })).toBe(1);
    expect(leaseWaitSeconds({ AGENTRY_RUN_LEASE_TTL_MS: '20000' })).toBe(40);
    expect(leaseWaitSeconds({})).toBe(30);
  });
});
