/** Unit checks of the model error classifier: Retry-After parsing, secret redaction, pass-through of typed errors. */
import { isAgentryError, ModelError } from '@agentry/core';
import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, redactSecrets, toModelError } from './model-errors.js';

const context = {
  provider: 'openai',
  modelId: 'gpt-x',
  secrets: ['sk-abcdef123456'],
  apiKeyEnv: 'OPENAI_API_KEY',
};

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '12' }, 12_000],
    [{ 'Retry-After': '1.5' }, 1500],
    [{ 'retry-after-ms': '250', 'retry-after': '30' }, 250],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:20 GMT' }, 20_000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'retry-after-ms': '-5' }, undefined],
    [{}, undefined],
  ])('%o → %s', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
  });
});

describe('toModelError', () => {
  it('keeps secrets out of messages', () => {
    expect(redactSecrets('key sk-abcdef123456 leaked', context.secrets)).toBe('key [redacted] leaked');
    const error = toModelError(
      new APICallError({
        message: 'Incorrect API key provided: sk-abcdef123456',
        url: 'https://api.example/v1/chat/completions',
        requestBodyValues: {},
        statusCode: 401,
      }),
      context,
    );
    expect(error).toMatchObject({ code: 'model.auth', retryable: false });
    expect(error.message).not.toContain('sk-abcdef123456');
    expect(error.hint).toContain('OPENAI_API_KEY');
  });

  it('passes AgentryErrors through and turns unknown failures into permanent errors', () => {
    const typed = new ModelError('model.timeout', { message: 'slow' });
    expect(toModelError(typed, context)).toBe(typed);
    const unknown = toModelError(new Error('weird sk-abcdef123456'), context);
    expect(isAgentryError(unknown)).toBe(true);
    expect(unknown.retryable).toBe(false);
    expect(unknown.message).not.toContain('sk-abcdef123456');
  });

  it('finds connection codes in the cause chain', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), { code: 'ENOTFOUND' });
    const error = toModelError(new TypeError('fetch failed', { cause }), context);
    expect(error).toMatchObject({ code: 'model.connection', retryable: true });
  });

  it('uses the abort reason when it is an AgentryError, and run.cancelled otherwise', () => {
    const controller = new AbortController();
    const reason = new ModelError('model.timeout', { message: 'budget' });
    controller.abort(reason);
    expect(toModelError(new Error('aborted'), { ...context, callerSignal: controller.signal })).toBe(reason);
    const plain = new AbortController();
    plain.abort();
    expect(toModelError(new Error('aborted'), { ...context, callerSignal: plain.signal })).toMatchObject({
      code: 'run.cancelled',
      retryable: false,
    });
  });
});
