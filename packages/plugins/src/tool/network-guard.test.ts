import { describe, expect, it } from 'vitest';
import { errorCode } from './__fixtures__/test-deps.js';
import { checkUrl, isPrivateAddress, resolveAndCheck } from './network-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    'not-an-ip',
  ])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('checkUrl', () => {
  const policy = { allowHosts: ['api.example.com', '*.example.org', 'example.net:8443'] };

  it('accepts allowlisted hosts, subdomain wildcards and host:port entries', () => {
    expect(checkUrl('https://api.example.com/v1', policy, 't').hostname).toBe('api.example.com');
    expect(checkUrl('https://a.b.example.org/', policy, 't').hostname).toBe('a.b.example.org');
    expect(checkUrl('https://example.net:8443/', policy, 't').port).toBe('8443');
  });

  it.each([
    'https://example.com/',
    'https://example.org/',
    'https://evil-example.org/',
    'https://api.example.com.evil.net/',
    'https://example.net/',
    'https://example.net:9443/',
    'ftp://api.example.com/',
    'https://user:pw@api.example.com/',
  ])('refuses %s', (url) => {
    expect(() => checkUrl(url, policy, 't')).toThrow(expect.objectContaining({ code: 'tool.policy_denied' }));
  });

  it('allows private addresses only for the hosts allowPrivate names', () => {
    const open = { allowHosts: ['*'], allowPrivate: ['127.0.0.1'] };
    expect(checkUrl('http://127.0.0.1:8080/', open, 't').hostname).toBe('127.0.0.1');
    expect(() => checkUrl('http://[::1]:8080/', open, 't')).toThrow(
      expect.objectContaining({ code: 'tool.policy_denied' }),
    );
    expect(() => checkUrl('http://localhost/', open, 't')).toThrow(
      expect.objectContaining({ code: 'tool.policy_denied' }),
    );
  });

  it('checks the addresses a name resolves to', async () => {
    expect(await errorCode(resolveAndCheck(new URL('http://localhost/'), { allowHosts: ['*'] }, 't'))).toBe(
      'tool.policy_denied',
    );
    const allowed = { allowHosts: ['*'], allowPrivate: ['localhost'] };
    expect(await errorCode(resolveAndCheck(new URL('http://localhost/'), allowed, 't'))).toBe('resolved');
  });
});
