#!/usr/bin/env node
// `npm run mutation [-- --mutate <glob>]`: Stryker over the safety files (stryker.config.mjs), then the
// mutation score of each file; exits 1 when a file scores below the floor. Incremental: only mutants of
// changed code or changed tests run again (reports/mutation/incremental.json is committed).
// `--baseline` (CI): only the safety files that the committed incremental file holds results for are run;
// the others are listed as having no baseline (make one with `npm run mutation -- --mutate <file>`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import config from '../stryker.config.mjs';

const FLOOR = 90;
const args = process.argv.slice(2);
const baselineOnly = args.includes('--baseline');
const strykerArgs = args.filter((arg) => arg !== '--baseline');

let missing = [];
if (baselineOnly) {
  const incremental = existsSync(config.incrementalFile)
    ? JSON.parse(readFileSync(config.incrementalFile, 'utf8'))
    : { files: {} };
  const measured = config.mutate.filter((file) => incremental.files[file] !== undefined);
  missing = config.mutate.filter((file) => incremental.files[file] === undefined);
  if (measured.length === 0) {
    console.log('mutation: no safety file has a committed baseline yet; nothing to run.');
    process.exit(0);
  }
  strykerArgs.push('--mutate', measured.join(','));
}

const stryker = spawnSync('npx', ['stryker', 'run', ...strykerArgs], { stdio: 'inherit' });
if (stryker.status !== 0) process.exit(stryker.status ?? 1);

const report = JSON.parse(readFileSync(config.jsonReporter.fileName, 'utf8'));
const detected = new Set(['Killed', 'Timeout']);
const counted = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
let failing = 0;
console.log(`\nmutation score per file (floor ${FLOOR}%):`);
for (const [file, { mutants }] of Object.entries(report.files)) {
  const valid = mutants.filter((m) => counted.has(m.status));
  const killed = valid.filter((m) => detected.has(m.status)).length;
  const score = valid.length === 0 ? 100 : (100 * killed) / valid.length;
  const ok = score >= FLOOR;
  if (!ok) failing++;
  console.log(
    `  ${ok ? 'ok  ' : 'LOW '} ${score.toFixed(1).padStart(5)}%  ${killed}/${valid.length}  ${file}`,
  );
}
for (const file of missing) console.log(`  NONE   no baseline  ${file}`);
process.exit(failing > 0 ? 1 : 0);
