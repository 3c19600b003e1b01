#!/usr/bin/env node
// Regenerates docs/reference/api.md from the built server's OpenAPI document (run `npx tsc -b` first).
// `--check` exits 1 when the page is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiReference } from '../dist/docs/api-reference.js';

const page = fileURLToPath(new URL('../../../docs/reference/api.md', import.meta.url));
const text = renderApiReference();
let current = '';
try {
  current = readFileSync(page, 'utf8');
} catch {}
if (current === text) console.error('docs/reference/api.md is up to date.');
else if (process.argv.includes('--check')) {
  console.error('Out of date: docs/reference/api.md. Run: npm run docs -w @agentry/server');
  process.exit(1);
} else {
  writeFileSync(page, text);
  console.error('Wrote docs/reference/api.md');
}
