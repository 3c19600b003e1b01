/** The builtin `input-screen` beforeRun hook: blocks a run whose input holds a denied phrase or matches a pattern. */
import type { BeforeRunHook } from './run-hooks.js';

export interface InputScreenConfig {
  /** Phrases (case-insensitive substrings) that block a run. */
  deny?: readonly string[] | undefined;
  /** Regular expression sources (case-insensitive, Unicode) that block a run. */
  patterns?: readonly string[] | undefined;
  /** The rejection reason; the default names what matched. */
  reason?: string | undefined;
}

/** A `beforeRun` hook that blocks inputs containing a denied phrase or matching a pattern. */
export function inputScreen(config: InputScreenConfig): BeforeRunHook {
  const phrases = (config.deny ?? []).map((phrase) => phrase.toLowerCase());
  const patterns = (config.patterns ?? []).map((source) => new RegExp(source, 'iu'));
  return ({ input }) => {
    const lower = input.toLowerCase();
    const phrase = phrases.find((candidate) => lower.includes(candidate));
    if (phrase !== undefined)
      return { block: config.reason ?? `The input contains "${phrase}", which is not allowed` };
    const pattern = patterns.find((candidate) => candidate.test(input));
    if (pattern)
      return { block: config.reason ?? `The input matches ${String(pattern)}, which is not allowed` };
    return undefined;
  };
}
