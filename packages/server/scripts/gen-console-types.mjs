#!/usr/bin/env node
// Regenerates packages/console/src/api-types.ts from the built server's OpenAPI document (run `npx tsc -b`
// first). `--check` exits 1 when the file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConsoleTypes } from '../dist/docs/console-types.js';

const file = fileURLToPath(new URL('../../console/src/api-types.ts', import.meta.url));
const text = renderConsoleTypes();
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {}
if (current === text) console.error('packages/console/src/api-types.ts is up to date.');
else if (process.argv.includes('--check')) {
  console.error('Out of date: packages/console/src/api-types.ts. Run: npm run docs -w @agentry/server');
  process.exit(1);
} else {
  writeFileSync(file, text);
  console.error('Wrote packages/console/src/api-types.ts');
}
