#!/usr/bin/env node
// Regenerates docs/reference/<kind>.md (one page per plugin kind) from the built plugins (run `npx tsc -b` first).
// `--check` exits 1 when a page is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReferencePages } from '../dist/reference/reference-pages.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const check = process.argv.includes('--check');
const changed = [];
for (const page of renderReferencePages(repoRoot)) {
  const file = join(repoRoot, page.path);
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === page.content) continue;
  changed.push(page.path);
  if (!check) writeFileSync(file, page.content);
}
if (check && changed.length > 0) {
  console.error(`Out of date: ${changed.join(', ')}. Run: npm run docs -w @agentry/plugins`);
  process.exit(1);
}
console.error(changed.length === 0 ? 'Reference pages are up to date.' : `Wrote ${changed.join(', ')}`);
