import { describe, expect, it } from 'vitest';
import { ModelError, ToolError } from '../../errors/agentry-error.js';
import { resumeDelayMs, withAutomaticResume } from './resume-policy.js';

type Outcome = {
  status: 'completed' | 'failed';
  error?: { code: string; message: string; retryable: boolean };
};
const failed = (retryable: boolean): Outcome => ({
  status: 'failed',
  error: { code: retryable ? 'model.rate_limited' : 'model.auth', message: 'x', retryable },
});
const policy = { baseDelayMs: 1, maxDelayMs: 5 };
const failureOf = (outcome: Outcome) =>
  outcome.status === 'failed' && outcome.error?.retryable ? outcome.error : undefined;

describe('automatic resume', () => {
  it('resumes after retryable failures until the run succeeds, reporting each resume', async () => {
    const outcomes = [failed(true), failed(true), { status: 'completed' } as Outcome];
    const resumes: number[] = [];
    const attempts: number[] = [];
    const result = await withAutomaticResume({
      policy,
      execute: async (attempt) => {
        attempts.push(attempt);
        return outcomes[attempt] as Outcome;
      },
      failureOf,
      onResume: ({ attempt }) => {
        resumes.push(attempt);
      },
    });
    expect(result.status).toBe('completed');
    expect(attempts).toEqual([0, 1, 2]);
    expect(resumes).toEqual([1, 2]);
  });

  it('stops at maxResumeAttempts, counting resumes of earlier processes, and returns the last failure', async () => {
    let calls = 0;
    const result = await withAutomaticResume({
      policy: { ...policy, maxResumeAttempts: 3 },
      attemptsSoFar: 2,
      execute: async () => {
        calls++;
        return failed(true);
      },
      failureOf,
    });
    expect(result.status).toBe('failed');
    expect(calls).toBe(2);
  });

  it('does not resume permanent failures; resumes thrown retryable errors and re-throws permanent ones', async () => {
    let calls = 0;
    await withAutomaticResume({
      policy,
      execute: async () => {
        calls++;
        return failed(false);
      },
      failureOf,
    });
    expect(calls).toBe(1);

    let thrown = 0;
    const result = await withAutomaticResume({
      policy,
      execute: async (attempt) => {
        if (attempt === 0) {
          thrown++;
          throw new ModelError('model.connection', { message: 'reset' });
        }
        return { status: 'completed' } as Outcome;
      },
      failureOf,
    });
    expect(result.status).toBe('completed');
    expect(thrown).toBe(1);
    await expect(
      withAutomaticResume({
        policy,
        execute: async () => {
          throw new ToolError('tool.failed', { message: 'bad' });
        },
        failureOf,
      }),
    ).rejects.toThrow('bad');
  });

  it('uses full jitter within the doubling cap and honours retryAfterMs', () => {
    const base = { maxResumeAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(resumeDelayMs(1, {}, base, () => 0.999)).toBe(99);
    expect(resumeDelayMs(3, {}, base, () => 0.5)).toBe(200);
    expect(resumeDelayMs(10, {}, base, () => 0.999)).toBe(999);
    expect(resumeDelayMs(1, {}, base, () => 0)).toBe(0);
    expect(resumeDelayMs(1, { retryAfterMs: 700 }, base, () => 0)).toBe(700);
    expect(resumeDelayMs(1, { retryAfterMs: 60_000 }, base, () => 0)).toBe(1000);
  });
});
