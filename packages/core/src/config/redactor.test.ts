import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretName } from './redactor.js';

describe('isSecretName', () => {
  it.each([
    'apiKey',
    'OPENAI_API_KEY',
    'token',
    'GITHUB_TOKEN',
    'accessToken',
    'dbPassword',
    'clientSecret',
    'Authorization',
  ])('%s is secret', (name) => expect(isSecretName(name)).toBe(true));
  it.each(['maxTotalTokens', 'maxInputTokens', 'key', 'model', 'tokenBudget', 'provider'])(
    '%s is not secret',
    (name) => expect(isSecretName(name)).toBe(false),
  );
});

describe('createRedactor', () => {
  it('redacts registered values in text and secret-named fields in objects, leaving counters alone', () => {
    const redactor = createRedactor();
    redactor.addSecret('hunter2-long');
    const input = {
      apiKey: 'whatever',
      budget: { maxTotalTokens: 100 },
      note: 'pw is hunter2-long',
      list: ['hunter2-long'],
    };
    expect(redactor.redact(input)).toEqual({
      apiKey: '[redacted]',
      budget: { maxTotalTokens: 100 },
      note: 'pw is [redacted]',
      list: ['[redacted]'],
    });
    expect(input.apiKey).toBe('whatever');
  });

  it('copies cyclic values without looping', () => {
    const cyclic: { self?: unknown; token: string } = { token: 'abc' };
    cyclic.self = cyclic;
    const copy = createRedactor().redact(cyclic);
    expect(copy.token).toBe('[redacted]');
    expect(copy.self).toBe(copy);
  });
});
