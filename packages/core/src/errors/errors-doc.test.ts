import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AgentryError, ConfigError, isAgentryError, serializeError } from './agentry-error.js';
import { ERROR_CODES } from './codes.js';

const docPath = fileURLToPath(new URL('../../../../docs/reference/errors.md', import.meta.url));

function documentedRows(): Map<string, { audience: string; retryable: boolean }> {
  const rows = new Map<string, { audience: string; retryable: boolean }>();
  for (const line of readFileSync(docPath, 'utf8').split('\n')) {
    const match = /^\| `([a-z_.]+)` \| (\w+) \| (yes|no) \|/.exec(line);
    if (match) rows.set(match[1]!, { audience: match[2]!, retryable: match[3] === 'yes' });
  }
  return rows;
}

describe('error catalogue', () => {
  it('docs/reference/errors.md has exactly one row per code, with the same audience and retryable flag', () => {
    const rows = documentedRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), code).toEqual({ audience: info.audience, retryable: info.retryable });
    }
  });
});

describe('AgentryError', () => {
  it('is recognised by symbol, also when the class comes from another copy of core', () => {
    const error = new ConfigError('config.invalid', { message: 'bad', hint: 'fix it' });
    expect(isAgentryError(error)).toBe(true);
    const foreign = Object.assign(new Error('x'), { [Symbol.for('agentry.error')]: true });
    expect(isAgentryError(foreign)).toBe(true);
    expect(isAgentryError(new Error('plain'))).toBe(false);
  });

  it('takes retryable from the code unless overridden, and serialises without cause', () => {
    const transient = new AgentryError('model.rate_limited', { message: '429', cause: new Error('inner') });
    expect(transient.retryable).toBe(true);
    expect(transient.toJSON()).toEqual({ code: 'model.rate_limited', message: '429', retryable: true });
    expect(new AgentryError('tool.failed', { message: 'x', retryable: true }).retryable).toBe(true);
    expect(serializeError(new TypeError('boom'))).toEqual({
      code: 'run.failed',
      message: 'boom',
      retryable: false,
    });
  });
});
