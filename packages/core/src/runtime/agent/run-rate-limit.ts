/**
 * The builtin `rate-limit` beforeRun hook: at most `max` runs start in any `perMs`, per agent or per
 * session, counted in the store (slot leases `runlimit:<key>:<name>:<i>` held for `perMs`), so every
 * process sharing the store counts together. A run over the limit is rejected with a reason; it does not wait.
 */
import type { Store } from '../../contracts/store.js';
import type { BeforeRunHook } from './run-hooks.js';

export interface RunRateLimitConfig {
  /** Runs allowed in any window of `perMs`. */
  max: number;
  perMs: number;
  /** Count per agent, or per session (runs without an explicit session are not counted). */
  key: 'agent' | 'session';
  /** The rejection reason; the default says which limit was hit. */
  reason?: string | undefined;
}

/** A `beforeRun` hook that blocks runs over `max` per `perMs` for the agent or the session. */
export function runRateLimit(config: RunRateLimitConfig, store: () => Store): BeforeRunHook {
  const process = `${globalThis.process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let taken = 0;
  return async ({ agent, sessionId }) => {
    const name = config.key === 'agent' ? agent : sessionId;
    if (name === undefined) return undefined;
    // An owner per run: a store lets an owner take its own lease again, which would not count.
    taken += 1;
    const owner = `${process}-${taken}`;
    for (let index = 0; index < config.max; index += 1) {
      const slot = `runlimit:${config.key}:${name}:${index}`;
      if (await store().acquireLease(slot, owner, config.perMs)) return undefined;
    }
    return {
      block:
        config.reason ??
        `Rate limit: ${config.key} ${name} may start at most ${config.max} run(s) per ${config.perMs} ms`,
    };
  };
}
