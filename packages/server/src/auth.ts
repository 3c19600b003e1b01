/**
 * Bearer tokens with roles. Each role includes the ones below it:
 * `viewer` reads; `approver` also decides approvals and sends input; `operator` also starts, cancels,
 * interrupts and resumes runs; `admin` may do everything. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const ROLES = ['viewer', 'approver', 'operator', 'admin'] as const;
/** What a token may do; each role includes the ones before it in `ROLES`. */
export type Role = (typeof ROLES)[number];

/** One accepted bearer token. */
export interface ApiToken {
  token: string;
  role: Role;
  /** Shown in logs instead of the token (default: the role). */
  name?: string;
}

/** True when `role` may do what `required` allows. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Minimum token length: shorter tokens are refused at startup, they are guessable. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Finds the role of a presented token; looks at every configured token, so the time taken does not depend on which matched. */
export class TokenTable {
  private readonly entries: { hash: Buffer; token: ApiToken }[];

  constructor(tokens: readonly ApiToken[]) {
    for (const token of tokens) {
      if (!isRole(token.role)) {
        throw new Error(
          `Token "${token.name ?? '?'}" has role "${String(token.role)}"; use one of ${ROLES.join(', ')}.`,
        );
      }
      if (token.token.length < MIN_TOKEN_LENGTH) {
        throw new Error(
          `A ${token.role} token is ${token.token.length} characters long; use at least ${MIN_TOKEN_LENGTH} (e.g. \`openssl rand -hex 24\`).`,
        );
      }
    }
    this.entries = tokens.map((token) => ({ hash: digest(token.token), token }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The matching token, or `undefined`. */
  match(presented: string): ApiToken | undefined {
    const hash = digest(presented);
    let found: ApiToken | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, hash) && found === undefined) found = entry.token;
    }
    return found;
  }
}

/**
 * Reads tokens from `AGENTRY_SERVER_TOKENS`: comma-separated `role:token` pairs, optionally
 * `role:name:token` (e.g. `admin:ops:3f9…,viewer:grafana:77a…`).
 */
export function tokensFromEnv(value: string | undefined): ApiToken[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const pieces = part.split(':');
      const role = pieces[0] ?? '';
      if (!isRole(role) || pieces.length < 2) {
        throw new Error(
          `AGENTRY_SERVER_TOKENS: "${role}:…" is not "role:token" with a role of ${ROLES.join(', ')}.`,
        );
      }
      const token = pieces.length >= 3 ? pieces.slice(2).join(':') : (pieces[1] ?? '');
      const name = pieces.length >= 3 ? pieces[1] : undefined;
      return { role, token, ...(name ? { name } : {}) };
    });
}
