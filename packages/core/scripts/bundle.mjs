#!/usr/bin/env node
// Writes core's published JavaScript: the four entries (`.`, `./plugin`, `./internal`, `./testing`) bundled
// together from src with code splitting, so a module that two entries share (the error classes among them)
// lives in one chunk and has one identity whichever entry imports it. `tsc -b` writes the `.d.ts` files
// beside them (the tsconfig emits declarations only). Part of `npm run build`; see
// docs/decisions/2026-12-06-core-import.md for why (import time is mostly per-module loading).
//
// Dependencies stay imports (`packages: 'external'`): zod, mitt and the lazy ones load from node_modules, so a
// user's zod and core's are one copy. The build fails when anything outside src would be inlined.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(packageDir, 'src');
const dist = path.join(packageDir, 'dist');
export const ENTRIES = ['index.ts', 'plugin.ts', 'internal.ts', 'testing/index.ts'];

/** Removes the JavaScript of an earlier build (per-module files included), keeping the declarations. */
function removeOldJavaScript(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) removeOldJavaScript(full);
    else if (/\.js(?:\.map)?$/.test(entry.name)) rmSync(full);
  }
}

removeOldJavaScript(dist);
const result = await build({
  absWorkingDir: packageDir,
  entryPoints: ENTRIES.map((entry) => path.join(src, entry)),
  outbase: src,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  // Maps point at src (as tsc's did): `node --enable-source-maps` names src files and lines in stack traces.
  sourcemap: 'linked',
  sourcesContent: false,
  // Classes and functions keep their own names (error names, `constructor.name` in messages).
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
});

const outside = Object.keys(result.metafile.inputs).filter(
  (input) => !path.resolve(packageDir, input).startsWith(src + path.sep),
);
if (outside.length > 0) {
  console.error(
    `core bundle: inputs outside src would be inlined (keep them external):\n  ${outside.join('\n  ')}`,
  );
  process.exit(1);
}
