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
