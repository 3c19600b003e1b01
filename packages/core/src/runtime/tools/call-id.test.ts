import { describe, expect, it } from 'vitest';
import { callIdStep, deriveCallId } from './call-id.js';

const snapshot = (step: number, ledger: string[] = [], pending: string[] = []) => ({
  runId: 'run_a',
  step,
  ledger: Object.fromEntries(ledger.map((callId) => [callId, {}])),
  pending: pending.map((callId) => ({ callId })),
});

describe('call ids', () => {
  it('carry the step numbered from 1: the 2nd model call asks for run_a:2:<model id>', () => {
    expect(deriveCallId('run_a', callIdStep(snapshot(2)), 'call_2_1')).toBe('run_a:2:call_2_1');
  });

  it('keep the 0-based number of a turn checkpointed before steps counted from 1, so it resumes unchanged', () => {
    // A run suspended on the approval of its 3rd model call's tool call, saved with the older numbering.
    expect(callIdStep(snapshot(3, [], ['run_a:2:call_2_0']))).toBe(2);
    // A run that crashed with one call of that turn finished and recorded in the ledger.
    expect(callIdStep(snapshot(3, ['run_a:2:call_2_0']))).toBe(2);
    // The same turn recorded with the current numbering.
    expect(callIdStep(snapshot(3, ['run_a:3:call_3_1'], ['run_a:3:call_3_2']))).toBe(3);
    // Ids of another run never count.
    expect(callIdStep(snapshot(3, ['run_b:2:x']))).toBe(3);
    expect(callIdStep(snapshot(0))).toBe(0);
  });
});
