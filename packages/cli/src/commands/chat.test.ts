import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratchDir } from '../__fixtures__/cli-harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CONFIG = `version: 1
store: { type: file, config: { path: .agentry/store.json } }
models:
  demo: { provider: scripted, script: ["Hello there."] }
agents:
  greeter:
    model: demo
`;

describe('agentry chat', () => {
  it('runs each line as one run in one session and ends at the end of input', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const chat = await cli(['chat', '--session', 'talk'], { cwd: scratch.dir, stdin: 'hi\nhow are you?\n' });
    expect(chat.code).toBe(0);
    expect(chat.stdout).toBe('Hello there.\nHello there.\n');
    expect(chat.stderr).toContain('agentry chat greeter --session talk');
    const runs = await cli(['runs', '--session', 'talk', '--json'], { cwd: scratch.dir });
    const records = JSON.parse(runs.stdout) as { input: string; sessionId: string }[];
    expect(records.map((record) => record.input).sort()).toEqual(['hi', 'how are you?']);
  });

  it('an unknown agent is a usage error', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const chat = await cli(['chat', 'greter'], { cwd: scratch.dir, stdin: '' });
    expect(chat.code).toBe(2);
    expect(chat.stderr).toContain('Did you mean "greeter"?');
  });
});

const TOOLS_CONFIG = `version: 1
store: memory
models:
  demo:
    provider: scripted
    script:
      - toolCalls: [{ tool: write-file, input: { path: note.txt, content: hi } }]
      - Wrote it.
agents:
  writer:
    model: demo
    tools:
      - { type: read-file, config: { root: . } }
      - { type: write-file, config: { root: ., approval: always } }
`;

describe('agentry chat slash commands', () => {
  it('/help lists the commands and an unknown one gets a did-you-mean', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const chat = await cli(['chat'], { cwd: scratch.dir, stdin: '/help\n/rset\n/exit\nnever sent\n' });
    expect(chat.code).toBe(0);
    for (const command of ['/exit', '/reset', '/tools', '/runs', '/approve <tool|*>', '/help']) {
      expect(chat.stderr).toContain(command);
    }
    expect(chat.stderr).toContain('Unknown command /rset. Did you mean "/reset"?');
    expect(chat.stdout).toBe('');
  });

  it('/reset starts a new session: later runs are not in the old one', async () => {
    const scratch = scratchDir({ 'agentry.yaml': CONFIG });
    cleanups.push(scratch.remove);
    const chat = await cli(['chat', '--session', 'before'], {
      cwd: scratch.dir,
      stdin: 'hi\n/reset\nagain\n/runs\n',
    });
    expect(chat.code).toBe(0);
    const renamed = /New session (chat_\w+)/.exec(chat.stderr)?.[1];
    expect(renamed).toBeDefined();
    const before = await cli(['runs', '--session', 'before', '--json'], { cwd: scratch.dir });
    expect((JSON.parse(before.stdout) as { input: string }[]).map((run) => run.input)).toEqual(['hi']);
    const after = await cli(['runs', '--session', renamed!, '--json'], { cwd: scratch.dir });
    expect((JSON.parse(after.stdout) as { input: string }[]).map((run) => run.input)).toEqual(['again']);
    expect(chat.stderr).toContain(`continue with`);
    expect(chat.stderr).toContain(`--session ${renamed}`);
  });

  it('/tools shows side effects and approval; /approve decides the waiting call; /approve <tool> sticks', async () => {
    const scratch = scratchDir({ 'agentry.yaml': TOOLS_CONFIG });
    cleanups.push(scratch.remove);
    const stdin = [
      '/tools',
      'write a note',
      '/runs',
      '/approve',
      'a',
      '/approve write-fil',
      '/approve write-file',
      '/tools',
      'write it again',
      '/runs',
      '/approve',
    ].join('\n');
    const chat = await cli(['chat'], { cwd: scratch.dir, stdin: `${stdin}\n` });
    const { stderr } = chat;
    expect(stderr).toMatch(/read-file\s+side effects: none\s+approval: runs without asking/);
    expect(stderr).toMatch(/write-file\s+side effects: idempotent\s+approval: asks every call/);
    // The first run waits on write-file; /runs shows it suspended, /approve allows it and the run finishes.
    expect(stderr).toMatch(/run_\S+\s+suspended\s+stop: \S+\s+[\d,]+ tokens/);
    expect(stderr).toContain('In this chat: /approve to decide now');
    expect(stderr).toContain('write-file wants to run with {"path":"note.txt","content":"hi"}');
    expect(readFileSync(path.join(scratch.dir, 'note.txt'), 'utf8')).toBe('hi');
    expect(stderr).toContain('has no tool "write-fil". Did you mean "write-file"?');
    expect(stderr).toContain('write-file runs without asking for the rest of this chat.');
    expect(stderr).toMatch(/write-file\s+side effects: idempotent\s+approval: allow \(this chat\)/);
    // The second run is allowed by the sticky rule: both runs completed, nothing left to approve.
    expect(chat.stdout).toBe('Wrote it.\nWrote it.\n');
    expect(stderr.match(/run_\S+\s+completed\s+stop: \S+\s+[\d,]+ tokens/g)).toHaveLength(2);
    expect(stderr).toContain('No run of this session is waiting for a decision.');
    expect(chat.code).toBe(0);
    expect(existsSync(path.join(scratch.dir, 'note.txt'))).toBe(true);
  });
});
