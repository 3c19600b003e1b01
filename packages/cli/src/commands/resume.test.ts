import type { PendingCall } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { decisionsFromOptions } from './resume.js';

const pending: PendingCall[] = [
  { callId: 'call_a', tool: 'write-file', input: { path: 'a' }, inputHash: 'h1', reason: 'approval' },
  { callId: 'call_b', tool: 'shell', input: { command: 'ls' }, inputHash: 'h2', reason: 'approval' },
  { callId: 'call_c', tool: 'send-email', input: {}, inputHash: 'h3', reason: 'outcome_unknown' },
];

describe('resume decision flags', () => {
  it('"all" approves every call waiting for approval, not the unknown outcomes', () => {
    expect(decisionsFromOptions({ approve: ['all'], interactive: false }, pending)).toEqual({
      call_a: { approve: true },
      call_b: { approve: true },
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
      call_a: { approve: true, input: { path: 'b' } },
      call_b: { approve: false, reason: 'no shell' },
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
