#!/usr/bin/env node
// `npm run mutation [-- --mutate <glob>]`: Stryker over the safety files (stryker.config.mjs), then the
// mutation score of each file; exits 1 when a file scores below the floor. Incremental: only mutants of
// changed code or changed tests run again (reports/mutation/incremental.json is committed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const FLOOR = 90;
const args = process.argv.slice(2);
const stryker = spawnSync('npx', ['stryker', 'run', ...args], { stdio: 'inherit' });
if (stryker.status !== 0) process.exit(stryker.status ?? 1);

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
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
process.exit(failing > 0 ? 1 : 0);
