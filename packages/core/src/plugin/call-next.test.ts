import { describe, expect, it } from 'vitest';
import { ModelError, ToolError } from '../errors/agentry-error.js';
import { failureOutcome } from './call-next.js';

describe('failureOutcome', () => {
  it('keeps code, hint and retryable, and carries retryAfterMs so a retrying executor can wait for it', () => {
    const error = new ModelError('model.rate_limited', {
      message: '429',
      hint: 'slow down',
      retryAfterMs: 1500,
    });
    expect(failureOutcome(error)).toEqual({
      ok: false,
      error: { code: 'model.rate_limited', message: '429', retryable: true, hint: 'slow down' },
      metadata: { retryAfterMs: 1500 },
    });
    expect(failureOutcome(new ToolError('tool.failed', { message: 'x' }))).not.toHaveProperty('metadata');
  });

  it('turns anything else into a permanent tool.failed with its message', () => {
    expect(failureOutcome(new TypeError('boom'))).toEqual({
      ok: false,
      error: { code: 'tool.failed', message: 'boom', retryable: false },
    });
  });
});
