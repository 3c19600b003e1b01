/** Keeps docs/reference/events.md in step with the EventMap of events.ts and with the code that emits events. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const page = readFileSync(`${repoRoot}docs/reference/events.md`, 'utf8');
const source = readFileSync(`${repoRoot}packages/core/src/contracts/events.ts`, 'utf8');

/** Event type names declared in `interface EventMap` (one `'type': {` member per line). */
function declaredTypes(): string[] {
  const body = /export interface EventMap \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
  return [...body.matchAll(/^ {2}'([a-z_]+\.[a-z_]+)':/gm)].map((match) => match[1]!);
}

describe('docs/reference/events.md', () => {
  it('has a section for every event type of EventMap, and none for types that do not exist', () => {
    const declared = declaredTypes();
    expect(declared.length).toBeGreaterThan(20);
    const documented = [...page.matchAll(/^### `([a-z_.]+)`$/gm)].map((match) => match[1]!);
    expect(documented.sort()).toEqual([...declared].sort());
  });

  it('matches what the generator renders from the current source (run gen-events-doc.mjs when this fails)', () => {
    const run = () =>
      execFileSync(process.execPath, [`${repoRoot}packages/core/scripts/gen-events-doc.mjs`, '--check'], {
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  }, 60_000); // spawns node: a ceiling for a loaded machine, not a timing check
});
