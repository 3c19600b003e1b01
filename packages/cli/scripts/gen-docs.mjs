#!/usr/bin/env node
// Regenerates docs/reference/cli.md and docs/reference/config.md from the built CLI (run `npx tsc -b` first).
// `--check` exits 1 when a page is out of date instead of writing it.
import { fileURLToPath } from 'node:url';
import { generateDocs } from '../dist/docs/generate.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const check = process.argv.includes('--check');
const changed = await generateDocs(repoRoot, { check });
if (check && changed.length > 0) {
  console.error(`Out of date: ${changed.join(', ')}. Run: npm run docs -w @agentry/cli`);
  process.exit(1);
}
console.error(changed.length === 0 ? 'Docs are up to date.' : `Wrote ${changed.join(', ')}`);
