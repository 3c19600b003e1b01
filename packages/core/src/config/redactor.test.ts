import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretName, redactJsonText, withoutSecrets } from './redactor.js';

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

describe('redactJsonText and withoutSecrets', () => {
  const redactor = createRedactor();
  redactor.addSecret('sk-plain-1234');
  redactor.addSecret('pa"ss\\word');

  it('gives the same text back when no secret is in it', () => {
    const text = JSON.stringify({ role: 'user', content: 'hello' });
    expect(redactJsonText(redactor, text)).toBe(text);
  });

  it('removes secrets from values and keys, also ones JSON escapes, and keeps valid JSON', () => {
    const value = { content: 'key sk-plain-1234 and pa"ss\\word', 'sk-plain-1234': ['x sk-plain-1234'] };
    const text = redactJsonText(redactor, JSON.stringify(value));
    expect(text).not.toContain('sk-plain-1234');
    expect(text).not.toContain(JSON.stringify('pa"ss\\word').slice(1, -1));
    expect(JSON.parse(text)).toEqual({
      content: 'key [redacted] and [redacted]',
      '[redacted]': ['x [redacted]'],
    });
  });

  it('withoutSecrets returns the value itself when clean, a redacted copy otherwise; secret-named fields stay', () => {
    const clean = [{ role: 'tool', content: { token: 'abc-not-registered' } }];
    expect(withoutSecrets(redactor, clean)).toBe(clean);
    const dirty = [{ role: 'assistant', content: 'sk-plain-1234' }];
    expect(withoutSecrets(redactor, dirty)).toEqual([{ role: 'assistant', content: '[redacted]' }]);
    expect(dirty[0]?.content).toBe('sk-plain-1234');
  });
});
