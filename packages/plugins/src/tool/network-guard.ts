/** Network confinement: scheme and host allowlists, and private-network denial checked on resolved addresses. */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ToolError } from '@agentry/core';

/** What a URL may reach. */
export interface NetworkPolicy {
  /** Host patterns: `example.com`, `*.example.com` (subdomains only), `host:port`, or `*` for any host. */
  readonly allowHosts: readonly string[];
  /** Schemes without the colon; default `http`, `https`. */
  readonly allowSchemes?: readonly string[];
  /** `true` allows private/loopback addresses for every host; a list allows them only for those hosts. */
  readonly allowPrivate?: boolean | readonly string[];
}

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Expands an IPv6 text form into 8 groups; `undefined` if it is not IPv6. */
function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    const hex = `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
    text = text.slice(0, -dotted[1]!.length) + hex;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...fill, ...tailGroups].map((group) => Number.parseInt(group, 16));
}

/** The IPv4 address an IPv6 address embeds (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(groups: number[]): string | undefined {
  const quad = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeros(5) && (groups[5] === 0xffff || groups[5] === 0)) return quad(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b) return quad(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return quad(groups[1]!, groups[2]!);
  return undefined;
}

/** True for loopback, private, link-local, unique-local, unspecified, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = ipv6Groups(address)!;
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined && PRIVATE.check(embedded, 'ipv4')) return true;
  return PRIVATE.check(address.split('%')[0]!, 'ipv6');
}

function deny(tool: string, target: string, reason: string, hint: string): ToolError {
  return new ToolError('tool.policy_denied', {
    message: `${tool}: ${target} refused: ${reason}`,
    hint,
    context: { tool },
  });
}

/** Host name as the URL parser normalised it, without IPv6 brackets and a trailing dot. */
export function bareHost(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
}

function splitPattern(pattern: string): { host: string; port?: string } {
  const lowered = pattern.toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(lowered);
  if (bracketed) return bracketed[2] ? { host: bracketed[1]!, port: bracketed[2] } : { host: bracketed[1]! };
  const withPort = /^([^:]+):(\d+)$/.exec(lowered);
  if (withPort) return { host: withPort[1]!, port: withPort[2]! };
  return { host: lowered };
}

function matchesHost(pattern: string, host: string, port: string): boolean {
  if (pattern === '*') return true;
  const expected = splitPattern(pattern);
  if (expected.port !== undefined && expected.port !== port) return false;
  if (expected.host.startsWith('*.')) return host.endsWith(expected.host.slice(1));
  return host === expected.host.replace(/\.$/, '');
}

/** True when `host` may use private addresses under `policy`. */
export function privateAllowedFor(policy: NetworkPolicy, host: string): boolean {
  const allow = policy.allowPrivate ?? false;
  if (typeof allow === 'boolean') return allow;
  return allow.some((entry) => entry.toLowerCase().replace(/^\[|\]$/g, '') === host);
}

/**
 * Checks a URL before anything connects: it must parse, use an allowed scheme, carry no credentials, name an
 * allowed host, and (unless `allowPrivate` covers the host) not be a private IP literal. DNS names are checked
 * again on their resolved addresses by `checkResolvedAddress` (or `resolveAndCheck`).
 *
 * @throws ToolError `tool.policy_denied`
 */
export function checkUrl(raw: string, policy: NetworkPolicy, tool: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw deny(
      tool,
      JSON.stringify(raw),
      'not an absolute URL',
      'Pass a full URL such as https://host/path.',
    );
  }
  const schemes = policy.allowSchemes ?? ['http', 'https'];
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) {
    throw deny(
      tool,
      url.origin === 'null' ? `${scheme}: URL` : url.origin,
      `scheme "${scheme}" is not allowed`,
      `Use one of: ${schemes.join(', ')}.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw deny(tool, url.host, 'URLs with credentials are not allowed', 'Remove the user:password@ part.');
  }
  const host = bareHost(url);
  const hint = `Allowed hosts: ${policy.allowHosts.join(', ') || '(none)'}.`;
  if (!policy.allowHosts.some((pattern) => matchesHost(pattern, host, defaultPort(url)))) {
    throw deny(tool, url.host, 'the host is not on the allowlist', hint);
  }
  const local = host === 'localhost' || host.endsWith('.localhost');
  if ((local || (isIP(host) !== 0 && isPrivateAddress(host))) && !privateAllowedFor(policy, host)) {
    throw deny(
      tool,
      url.host,
      'it is a private, loopback or link-local address',
      'Only public addresses are reachable.',
    );
  }
  return url;
}

/** Checks one address a host name resolved to. */
export function checkResolvedAddress(
  host: string,
  address: string,
  policy: NetworkPolicy,
  tool: string,
): void {
  if (isPrivateAddress(address) && !privateAllowedFor(policy, host)) {
    throw deny(
      tool,
      host,
      `it resolves to the private address ${address}`,
      'Only public addresses are reachable.',
    );
  }
}

/** Resolves a URL's host and checks every address it resolves to (used where the connection is not ours). */
export async function resolveAndCheck(url: URL, policy: NetworkPolicy, tool: string): Promise<void> {
  const host = bareHost(url);
  if (isIP(host) !== 0) return;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    throw new ToolError('tool.failed', {
      message: `${tool}: cannot resolve host ${host}`,
      hint: 'Check the host name.',
      cause: error,
      retryable: true,
      context: { tool },
    });
  }
  for (const { address } of addresses) checkResolvedAddress(host, address, policy, tool);
}
