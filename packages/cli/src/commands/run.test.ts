import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';
import { approvalPolicy } from './run.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Echo."] }
agents:
  first: { model: demo }
  second: { model: demo }
`;

function project(files: Record<string, string>): string {
  const scratch = scratchDir(files);
  cleanups.push(scratch.remove);
  return scratch.dir;
}

describe('agentry run input', () => {
  it('reads the input from --input-file and refuses an argument too', async () => {
    const cwd = project({ 'agentry.yaml': CONFIG, 'task.md': 'Do the thing' });
    const result = await cli(['run', 'first', '--input-file', 'task.md', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', output: 'Echo.' });
    const both = await cli(['run', 'first', 'hi', '--input-file', 'task.md'], { cwd });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  it('asks for the agent when there are several, and for input when there is none on a terminal', async () => {
    const cwd = project({ 'agentry.yaml': CONFIG });
    const noAgent = await cli(['run'], { cwd });
    expect(noAgent.code).toBe(2);
    expect(noAgent.stderr).toContain('Agents: first, second');
    const noInput = await cli(['run', 'first'], { cwd });
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain('No input given');
    const empty = await cli(['run', 'first'], { cwd, stdin: '  \n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The input is empty');
  });

  it('--durable and --session reach the run record', async () => {
    const cwd = project({ 'agentry.yaml': CONFIG.replace('store: memory', 'store: sqlite') });
    const result = await cli(['run', 'first', 'hi', '--durable', '--session', 's1', '--json'], { cwd });
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const shown = await cli(['runs', 'show', runId, '--json'], { cwd });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      runId,
      sessionId: 's1',
      durable: true,
      status: 'completed',
    });
  });
});

describe('approval flags', () => {
  it('map to the run approval policy; * sets the default', () => {
    expect(approvalPolicy([], [])).toBeUndefined();
    expect(approvalPolicy(['read-file', '*'], ['shell'])).toEqual({
      default: 'allow',
      tools: { 'read-file': 'allow', shell: 'deny' },
    });
  });
});
