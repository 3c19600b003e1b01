/** HMAC signatures of webhook deliveries: GitHub, Stripe and a generic hex SHA-256 header. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureFormat = 'github' | 'stripe' | 'hmac-sha256';

export interface SignatureCheck {
  format: SignatureFormat;
  secret: string;
  /** For `hmac-sha256`: the header holding the hex digest (default `x-signature`). */
  header?: string | undefined;
  /** For `stripe`: the largest age of the signed timestamp, seconds. */
  toleranceSec?: number;
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why the delivery's signature does not verify, or `undefined` when it does. `headers` has lower-case names;
 * `body` is the raw request body, exactly as received.
 */
export function signatureProblem(
  check: SignatureCheck,
  headers: { readonly [name: string]: string | undefined },
  body: string,
  nowMs: number,
): string | undefined {
  if (check.format === 'github') {
    const given = headers['x-hub-signature-256'];
    if (!given) return 'the X-Hub-Signature-256 header is missing';
    if (!given.startsWith('sha256=')) return 'X-Hub-Signature-256 does not start with sha256=';
    return sameHex(hmacHex(check.secret, body), given.slice(7))
      ? undefined
      : 'X-Hub-Signature-256 does not match';
  }
  if (check.format === 'stripe') {
    const given = headers['stripe-signature'];
    if (!given) return 'the Stripe-Signature header is missing';
    const parts = given.split(',').map((part) => part.trim().split('='));
    const timestamp = parts.find(([key]) => key === 't')?.[1];
    const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
    if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) {
      return 'Stripe-Signature needs t=<timestamp> and v1=<signature>';
    }
    const age = Math.abs(nowMs / 1000 - Number(timestamp));
    if (age > (check.toleranceSec ?? 300))
      return `the Stripe-Signature timestamp is ${Math.round(age)} s old`;
    const expected = hmacHex(check.secret, `${timestamp}.${body}`);
    return signatures.some((signature) => sameHex(expected, signature))
      ? undefined
      : 'Stripe-Signature does not match';
  }
  const name = (check.header ?? 'x-signature').toLowerCase();
  const given = headers[name];
  if (!given) return `the ${name} header is missing`;
  const hex = given.startsWith('sha256=') ? given.slice(7) : given;
  return sameHex(hmacHex(check.secret, body), hex) ? undefined : `${name} does not match`;
}

/** The header value that signs `body` in `format` (for tests and senders). */
export function signBody(
  check: SignatureCheck,
  body: string,
  nowMs = Date.now(),
): { [header: string]: string } {
  if (check.format === 'github') return { 'x-hub-signature-256': `sha256=${hmacHex(check.secret, body)}` };
  if (check.format === 'stripe') {
    const t = Math.floor(nowMs / 1000);
    return { 'stripe-signature': `t=${t},v1=${hmacHex(check.secret, `${t}.${body}`)}` };
  }
  return { [(check.header ?? 'x-signature').toLowerCase()]: hmacHex(check.secret, body) };
}
