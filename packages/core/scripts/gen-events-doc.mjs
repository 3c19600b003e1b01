#!/usr/bin/env node
// Regenerates docs/reference/events.md from packages/core/src/contracts/events.ts.
// `--check` exits 1 when the page is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findEmitters, renderEventsDoc } from './events-doc.mjs';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const page = `${repoRoot}docs/reference/events.md`;
const source = readFileSync(`${repoRoot}packages/core/src/contracts/events.ts`, 'utf8');
const rendered = renderEventsDoc(source, findEmitters(repoRoot));
let current = '';
try {
  current = readFileSync(page, 'utf8');
} catch {
  // first run: no page yet
}
if (process.argv.includes('--check')) {
  if (current !== rendered) {
    console.error(
      'docs/reference/events.md is out of date. Run: node packages/core/scripts/gen-events-doc.mjs',
    );
    process.exit(1);
  }
  console.error('docs/reference/events.md is up to date.');
} else if (current === rendered) {
  console.error('docs/reference/events.md is up to date.');
} else {
  writeFileSync(page, rendered);
  console.error('Wrote docs/reference/events.md');
}
