import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';
import { approvalPolicy, checkApprovalTools } from './run.js';

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
    expect(empty.stderr).toContain('nothing came on stdin');
    expect(empty.stderr).toContain('Usage: agentry run [options] [agent] [input]');
    const blank = await cli(['run', 'first', ' '], { cwd });
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('The input is empty');
    expect(blank.stderr).toContain('Usage: agentry run');
    expect(noInput.stderr).toContain('Usage: agentry run');
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

const TOOLS_CONFIG = `version: 1
store: memory
models:
  demo: { provider: scripted, script: ["Done."] }
agents:
  writer:
    model: demo
    tools:
      - { type: read-file, config: { root: . } }
      - { type: write-file, config: { root: ., approval: always } }
`;

describe('agentry run --approve/--deny', () => {
  it('a tool the agent does not have fails fast with a did-you-mean, before the run starts', async () => {
    const cwd = project({ 'agentry.yaml': TOOLS_CONFIG });
    const approve = await cli(['run', 'writer', 'go', '--approve', 'write_file'], { cwd });
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain('--approve write_file');
    expect(approve.stderr).toContain('Did you mean "write-file"?');
    expect(approve.stderr).toContain('read-file, write-file');
    expect(approve.stderr).not.toContain('completed');
    const deny = await cli(['run', 'writer', 'go', '--deny', 'shell'], { cwd });
    expect(deny.code).toBe(2);
    expect(deny.stderr).toContain('has no tool named "shell"');
  });

  it('known tools and * pass', async () => {
    const cwd = project({ 'agentry.yaml': TOOLS_CONFIG });
    const result = await cli(['run', 'writer', 'go', '--approve', 'write-file', '--deny', 'read-file'], {
      cwd,
    });
    expect(result.stderr).not.toContain('has no tool');
    expect(result.code).toBe(0);
    expect((await cli(['run', 'writer', 'go', '--approve', '*'], { cwd })).code).toBe(0);
  });

  it('checks nothing when the tool names cannot be known', () => {
    expect(() => checkApprovalTools('writer', undefined, ['anything'])).not.toThrow();
    expect(() => checkApprovalTools('writer', [], [], ['x'])).toThrow(/has no tool named "x"/);
  });
});
