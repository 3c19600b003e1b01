import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PendingCall } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, quickstartCopy } from '../__fixtures__/cli-harness.js';
import { decisionsFromOptions } from './resume.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const pending: PendingCall[] = [
  { callId: 'call_a', tool: 'write-file', input: { path: 'a' }, inputHash: 'h1', reason: 'approval' },
  { callId: 'call_b', tool: 'shell', input: { command: 'ls' }, inputHash: 'h2', reason: 'approval' },
  { callId: 'call_c', tool: 'send-email', input: {}, inputHash: 'h3', reason: 'outcome_unknown' },
];

describe('resume decision flags', () => {
  it('"all" approves every call waiting for approval, not the unknown outcomes', () => {
    expect(decisionsFromOptions({ approve: ['all'], interactive: false }, pending)).toEqual({
      call_a: { approve: true, inputHash: 'h1' },
      call_b: { approve: true, inputHash: 'h2' },
    });
  });

  it('combines approve with edited input, deny with a reason, and skip with a result', () => {
    const decisions = decisionsFromOptions(
      {
        approve: ['call_a'],
        input: '{"path":"b"}',
        deny: ['call_b'],
        reason: 'no shell',
        skip: ['call_c'],
        result: '{"sent":true}',
        interactive: false,
      },
      pending,
    );
    expect(decisions).toEqual({
      call_a: { approve: true, inputHash: 'h1', input: { path: 'b' } },
      call_b: { approve: false, inputHash: 'h2', reason: 'no shell' },
      call_c: { outcome: 'skip', result: { sent: true } },
    });
  });

  it('refuses unknown call ids with a did-you-mean, bad JSON and contradictory flags', () => {
    expect(() => decisionsFromOptions({ approve: ['call_x'], interactive: false }, pending)).toThrow(
      /not pending/,
    );
    expect(() => decisionsFromOptions({ approve: ['cal_a'], interactive: false }, pending)).toThrow(
      /Did you mean "call_a"/,
    );
    expect(() =>
      decisionsFromOptions({ approve: ['call_a'], input: '{nope', interactive: false }, pending),
    ).toThrow(/--input is not valid JSON/);
    expect(() =>
      decisionsFromOptions({ approve: ['call_a'], deny: ['call_a'], interactive: false }, pending),
    ).toThrow(/two decisions/);
    expect(() => decisionsFromOptions({ skip: ['call_c'], interactive: false }, pending)).toThrow(/--result/);
  });
});

describe('agentry resume --input', () => {
  it('checks the edited input against the tool schema before resuming (exit 2 with the issues)', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const cwd = scratch.dir;
    const first = await cli(['run', 'assistant', 'Summarise notes.md', '--json'], { cwd });
    expect(first.code).toBe(3);
    const { runId, pending } = JSON.parse(first.stdout) as { runId: string; pending: PendingCall[] };
    const callId = pending[0]!.callId;

    const bad = await cli(['resume', runId, '--approve', callId, '--input', '{"path":5}'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[run.decision_invalid]');
    expect(bad.stderr).toContain('--input does not match the input schema of "write-file"');
    expect(bad.stderr).toMatch(/→ at path/);
    const shown = await cli(['runs', 'show', runId, '--json'], { cwd });
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'suspended' });

    const edited = JSON.stringify({ path: 'edited.md', content: 'edited on resume' });
    const good = await cli(['resume', runId, '--approve', callId, '--input', edited, '--json'], { cwd });
    expect(good.stderr).not.toContain('[run.');
    expect(good.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'workspace/edited.md'), 'utf8')).toBe('edited on resume');
  });
});

describe('printed resume commands', () => {
  it('carry --config for a config chosen by --config or AGENTRY_CONFIG, in run and in runs show (text and JSON)', async () => {
    const scratch = quickstartCopy();
    cleanups.push(scratch.remove);
    const cwd = path.dirname(scratch.dir);
    const config = path.join(path.basename(scratch.dir), 'agentry.yaml');
    const env = { AGENTRY_CONFIG: config };
    const first = await cli(['run', 'assistant', 'Summarise notes.md', '--no-interactive'], { cwd, env });
    expect(first.code).toBe(3);
    expect(first.stderr).toContain(`resume run_`);
    expect(first.stderr).toMatch(new RegExp(`npx agentry resume run_\\S+ --config ${config} --approve `));
    const runId = /npx agentry resume (run_\S+)/.exec(first.stderr)![1]!;

    const shown = await cli(['runs', 'show', runId, '--config', config], { cwd });
    expect(shown.stdout).toContain(`npx agentry resume ${runId} --config ${config} --approve `);
    const json = await cli(['runs', 'show', runId, '--json'], { cwd, env });
    const document = JSON.parse(json.stdout) as { resumeCommands: string[] };
    expect(document.resumeCommands[0]).toBe(
      `npx agentry resume ${runId} --config ${config} --approve ${(JSON.parse(json.stdout) as { pending: { callId: string }[] }).pending[0]!.callId}`,
    );
  });
});
