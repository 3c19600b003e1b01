import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  isSecretName,
  REDACTED,
  redactJsonText,
  registerNamedSecrets,
  withoutSecrets,
} from './redactor.js';

describe('secret names', () => {
  it.each([
    'apiKey',
    'OPENAI_API_KEY',
    'privateKey',
    'secretKey',
    'accessKey',
    'signing_key',
    'encryption-key',
    'dbPassword',
    'passwd',
    'pwd',
    'GITHUB_TOKEN',
    'clientSecret',
    'credential',
    'credentials',
    'Authorization',
    'apikey',
    'password_',
    'api__key',
  ])('%s is a secret name', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'key',
    'primaryKey',
    'monkey',
    'maxTotalTokens',
    'tokenCount',
    '',
    '___',
    'keyApi',
    'apiVersion',
    'accessLevel',
  ])('%s is not a secret name', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('answers the same after more names than its cache holds', () => {
    for (let index = 0; index < 5000; index += 1) isSecretName(`field${index}`);
    expect(isSecretName('apiKey')).toBe(true);
    expect(isSecretName('field1')).toBe(false);
  });
});

describe('registerNamedSecrets', () => {
  it('registers strings under secret-named keys at any depth, nothing else', () => {
    const redactor = createRedactor();
    registerNamedSecrets(
      { db: { password: 'pg-pass-1' }, list: [{ apiKey: 'sk-list-22' }], name: 'visible-name', count: 3 },
      redactor,
    );
    expect(redactor.redactText('pg-pass-1 sk-list-22 visible-name')).toBe(
      `${REDACTED} ${REDACTED} visible-name`,
    );
  });

  it('registers the secrets of a value that contains itself, without looping', () => {
    const redactor = createRedactor();
    const cyclic: Record<string, unknown> = { apiKey: 'cyclic-key-1' };
    cyclic.self = cyclic;
    registerNamedSecrets(cyclic, redactor);
    expect(redactor.redactText('key: cyclic-key-1')).toBe(`key: ${REDACTED}`);
  });

  it('registers the strings under a secret-named object, down to 64 levels deep, and not numbers', () => {
    const redactor = createRedactor();
    let deep: Record<string, unknown> = { token: 'deepest-token' };
    for (let depth = 0; depth < 63; depth += 1) deep = { next: deep };
    registerNamedSecrets(
      { credentials: { user: 'visible-user', password: 'nested-pass-1' }, token: 12345, deep },
      redactor,
    );
    expect(redactor.redactText('visible-user nested-pass-1 12345 deepest-token')).toBe(
      `visible-user ${REDACTED} 12345 ${REDACTED}`,
    );
  });

  it('ignores non-objects', () => {
    const redactor = createRedactor();
    registerNamedSecrets('token-value', redactor);
    registerNamedSecrets(null, redactor);
    expect(redactor.redactText('token-value')).toBe('token-value');
  });
});

describe('redacting text', () => {
  it('fully redacts a secret that contains another registered secret, whichever came first', () => {
    const shortFirst = createRedactor();
    shortFirst.addSecret('abcd');
    shortFirst.addSecret('abcd-longer-secret');
    expect(shortFirst.redactText('x abcd-longer-secret y abcd')).toBe(`x ${REDACTED} y ${REDACTED}`);

    const longFirst = createRedactor();
    longFirst.addSecret('abcd-longer-secret');
    longFirst.addSecret('abcd');
    expect(longFirst.redactText('x abcd-longer-secret y abcd')).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it('searches text for secrets of 4 characters or more, not shorter ones', () => {
    const redactor = createRedactor();
    redactor.addSecret('abc');
    redactor.addSecret('wxyz');
    expect(redactor.redactText('abc wxyz')).toBe(`abc ${REDACTED}`);
  });

  it('redacts every occurrence, also after registering the same secret twice', () => {
    const redactor = createRedactor();
    redactor.addSecret('s3cr3t');
    redactor.addSecret('s3cr3t');
    expect(redactor.redactText('s3cr3t and s3cr3t')).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('redacts a secret with quotes both raw and as it appears inside JSON text', () => {
    const redactor = createRedactor();
    redactor.addSecret('pa"ss');
    expect(redactor.redactText('raw pa"ss')).toBe(`raw ${REDACTED}`);
    expect(redactor.redactText(JSON.stringify({ value: 'pa"ss' }))).toBe(`{"value":"${REDACTED}"}`);
  });
});

describe('redacting values', () => {
  it('blanks secret-named scalar fields but keeps null, undefined and nested objects to walk', () => {
    const redactor = createRedactor();
    const copy = redactor.redact({
      token: 42,
      password: null,
      secret: undefined,
      credentials: { user: 'bob', apiKey: 'k' },
      enabled: true,
    });
    expect(copy).toEqual({
      token: REDACTED,
      password: null,
      secret: undefined,
      credentials: { user: 'bob', apiKey: REDACTED },
      enabled: true,
    });
  });

  it('leaves the original untouched and keeps shared (not cyclic) references shared', () => {
    const redactor = createRedactor();
    redactor.addSecret('hidden-value');
    const shared = { note: 'hidden-value' };
    const input = { first: shared, second: shared, list: ['hidden-value', 7] };
    const copy = redactor.redact(input);
    expect(copy.first).toEqual({ note: REDACTED });
    expect(copy.second).toBe(copy.first);
    expect(copy.list).toEqual([REDACTED, 7]);
    expect(shared.note).toBe('hidden-value');
  });

  it('copies a __proto__ key as an own field, redacted, without changing the prototype', () => {
    const redactor = createRedactor();
    redactor.addSecret('proto-secret');
    const input = JSON.parse('{"__proto__":{"token":"x","note":"proto-secret"},"ok":1}') as object;
    const copy = redactor.redact(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({
      token: REDACTED,
      note: REDACTED,
    });
    expect(JSON.stringify(copy)).toBe(`{"__proto__":{"token":"${REDACTED}","note":"${REDACTED}"},"ok":1}`);
  });

  it('redacts null-prototype objects and returns class instances as they are', () => {
    const redactor = createRedactor();
    redactor.addSecret('bare-secret');
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      apiKey: 'abc',
      note: 'bare-secret',
    });
    expect(redactor.redact(bare)).toEqual({ apiKey: REDACTED, note: REDACTED });
    const date = new Date(0);
    const map = new Map([['token', 'bare-secret']]);
    const copy = redactor.redact({ date, map });
    expect(copy.date).toBe(date);
    expect(copy.map).toBe(map);
  });
});

describe('redacting arrays and JSON text', () => {
  it('copies an array that contains itself without looping', () => {
    const redactor = createRedactor();
    redactor.addSecret('loop-secret');
    const list: unknown[] = ['loop-secret'];
    list.push(list);
    const copy = redactor.redact(list);
    expect(copy[0]).toBe(REDACTED);
    expect(copy[1]).toBe(copy);
  });

  it('gives JSON text without a secret back unchanged, whitespace and number spelling included', () => {
    const redactor = createRedactor();
    redactor.addSecret('never-there');
    const text = '{\n  "price": 1.50,\n  "items": [ 1, 2 ]\n}';
    expect(redactJsonText(redactor, text)).toBe(text);
  });

  it('keeps numbers, booleans and null of a value it redacts, and gives back an ordinary object', () => {
    const redactor = createRedactor();
    redactor.addSecret('said-secret');
    const message = { role: 'assistant', content: 'said-secret', tokens: 3, done: true, extra: null };
    const copy = withoutSecrets(redactor, [message]);
    expect(copy).toEqual([{ ...message, content: REDACTED }]);
    expect(JSON.parse(redactJsonText(redactor, JSON.stringify(message)))).toEqual({
      ...message,
      content: REDACTED,
    });
    // The copy is data kept for later use (memory, transcripts): it can be changed like the original.
    const first = copy[0]!;
    first.content = 'changed';
    delete (first as Partial<typeof message>).extra;
    expect(first).toEqual({ role: 'assistant', content: 'changed', tokens: 3, done: true });
  });

  it('withoutSecrets passes values JSON cannot encode through', () => {
    const redactor = createRedactor();
    redactor.addSecret('some-secret');
    expect(withoutSecrets(redactor, undefined)).toBeUndefined();
    const fn = () => 'some-secret';
    expect(withoutSecrets(redactor, fn)).toBe(fn);
  });
});
