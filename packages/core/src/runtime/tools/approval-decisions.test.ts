import { describe, expect, it } from 'vitest';
import type { Decision, PendingCall } from '../../contracts/run.js';
import type { Tool, ToolContext } from '../../contracts/tool.js';
import { checkDecisions, resolveApproval } from './approval-gate.js';

const context = {} as ToolContext;

function tool(approval: Tool['approval']): Tool {
  return { name: 'shell', approval } as unknown as Tool;
}

describe('which approval action applies to a call', () => {
  it('uses the tool rule when no policy decides: never allows, always asks', () => {
    expect(resolveApproval(tool('never'), {}, context, undefined, undefined, {})).toBe('allow');
    expect(resolveApproval(tool('always'), {}, context, undefined, undefined, {})).toBe('ask');
  });

  it('evaluates a rule function with the call input, also an asynchronous one', async () => {
    const seen: unknown[] = [];
    const rule = (input: unknown) => {
      seen.push(input);
      return (input as { command: string }).command.startsWith('rm');
    };
    await expect(
      resolveApproval(tool(rule), { command: 'rm -rf x' }, context, undefined, undefined, {}),
    ).resolves.toBe('ask');
    await expect(
      resolveApproval(tool(rule), { command: 'ls' }, context, undefined, undefined, {}),
    ).resolves.toBe('allow');
    const asyncRule = async () => true;
    await expect(resolveApproval(tool(asyncRule), {}, context, undefined, undefined, {})).resolves.toBe(
      'ask',
    );
    expect(seen).toEqual([{ command: 'rm -rf x' }, { command: 'ls' }]);
  });

  it('does not evaluate the rule function when a policy decides', () => {
    let calls = 0;
    const rule = () => {
      calls += 1;
      return true;
    };
    expect(resolveApproval(tool(rule), {}, context, { default: 'deny' }, undefined, {})).toBe('deny');
    expect(calls).toBe(0);
  });

  it('ranks sticky decisions over the request, the request over the agent, a tool entry over the default', () => {
    const agent = { default: 'deny' as const, tools: { shell: 'allow' as const } };
    expect(resolveApproval(tool('always'), {}, context, agent, undefined, {})).toBe('allow');
    expect(resolveApproval(tool('always'), {}, context, { default: 'deny' }, undefined, {})).toBe('deny');
    expect(resolveApproval(tool('never'), {}, context, agent, { default: 'ask' }, {})).toBe('ask');
    expect(resolveApproval(tool('never'), {}, context, agent, { tools: { other: 'deny' } }, {})).toBe(
      'allow',
    );
    expect(resolveApproval(tool('never'), {}, context, agent, { default: 'ask' }, { shell: 'deny' })).toBe(
      'deny',
    );
    expect(resolveApproval(tool('never'), {}, context, undefined, undefined, { other: 'deny' })).toBe(
      'allow',
    );
  });
});

const approvalCall: PendingCall = {
  callId: 'call-1',
  tool: 'shell',
  input: { command: 'ls' },
  inputHash: 'a'.repeat(64),
  reason: 'approval',
};
const unknownCall: PendingCall = {
  callId: 'call-2',
  tool: 'http',
  input: {},
  inputHash: 'b'.repeat(64),
  reason: 'outcome_unknown',
};

function refusal(decisions: Record<string, Decision>, pending: PendingCall[] = [approvalCall, unknownCall]) {
  try {
    checkDecisions('run-1', pending, decisions);
  } catch (error) {
    return error as { code: string; message: string; hint: string; context: unknown };
  }
  return undefined;
}

describe('checking resume decisions', () => {
  it('accepts one decision of the right kind per pending call', () => {
    expect(refusal({ 'call-1': { approve: true }, 'call-2': { outcome: 'retry' } })).toBeUndefined();
    expect(
      refusal({
        'call-1': { approve: false, reason: 'no', inputHash: 'a'.repeat(64) },
        'call-2': { outcome: 'fail' },
      }),
    ).toBeUndefined();
  });

  it('refuses an outcome decision for a call that waits for approval', () => {
    const error = refusal({ 'call-1': { outcome: 'retry' }, 'call-2': { outcome: 'retry' } });
    expect(error?.code).toBe('run.decision_invalid');
    expect(error?.message).toBe(
      'Call "call-1" awaits approval: decide { approve: true } or { approve: false, reason }',
    );
    expect(error?.hint).toContain('call-1 (shell, approval), call-2 (http, outcome_unknown)');
    expect(error?.context).toEqual({ runId: 'run-1', callId: 'call-1' });
  });

  it('refuses an approval for a call whose outcome is unknown', () => {
    const error = refusal({ 'call-1': { approve: true }, 'call-2': { approve: true } });
    expect(error?.message).toBe(
      `Call "call-2" has an unknown outcome: decide { outcome: 'retry' | 'skip' | 'fail' }`,
    );
  });

  it('refuses a decision for a call that is not pending, and a missing decision', () => {
    expect(refusal({ 'call-9': { approve: true } })?.message).toBe(
      'Decision for "call-9", which is not a pending call of run run-1',
    );
    expect(refusal({}, [])).toBeUndefined();
    expect(refusal({ 'call-9': { approve: true } }, [])?.hint).toContain('Pending calls of run run-1: none.');
    const missing = refusal({ 'call-1': { approve: true } });
    expect(missing?.message).toBe('Missing decision for pending call(s): call-2 (http)');
    expect(missing?.context).toEqual({ runId: 'run-1', callId: 'call-2' });
  });

  it('refuses an approval made for another input than the pending one', () => {
    const error = refusal({
      'call-1': { approve: true, inputHash: 'c'.repeat(64) },
      'call-2': { outcome: 'retry' },
    });
    expect(error?.code).toBe('run.decision_invalid');
    expect(error?.message).toBe(
      `The decision for call "call-1" (shell) was made for another input (hash ${'c'.repeat(12)}); the pending call's input changed (hash ${'a'.repeat(12)})`,
    );
    expect(error?.context).toEqual({ runId: 'run-1', callId: 'call-1', tool: 'shell' });
    expect(error?.hint).toBe(
      "Review the pending call's current input and decide again with its inputHash. Pending calls of run run-1: call-1 (shell, approval), call-2 (http, outcome_unknown).",
    );
    const odd = refusal({
      'call-1': { approve: true, inputHash: 42 as unknown as string },
      'call-2': { outcome: 'retry' },
    });
    expect(odd?.message).toContain('(hash 42)');
  });
});

describe('decisions that are not decision objects', () => {
  it.each([
    ['null', null],
    ['a string', 'yes'],
  ])('refuses %s as a decision with run.decision_invalid, for either kind of pending call', (_, decision) => {
    const forApproval = refusal({
      'call-1': decision as unknown as Decision,
      'call-2': { outcome: 'retry' },
    });
    expect(forApproval?.code).toBe('run.decision_invalid');
    expect(forApproval?.message).toContain('awaits approval');
    const forOutcome = refusal({ 'call-1': { approve: true }, 'call-2': decision as unknown as Decision });
    expect(forOutcome?.code).toBe('run.decision_invalid');
    expect(forOutcome?.message).toContain('has an unknown outcome');
  });

  it('lists every missing decision', () => {
    expect(refusal({})?.message).toBe('Missing decision for pending call(s): call-1 (shell), call-2 (http)');
  });
});
