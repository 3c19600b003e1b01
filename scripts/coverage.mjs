#!/usr/bin/env node
// `npm run coverage`: the tests of core, plugins, server and cli against the packages' sources with V8
// coverage (vitest.coverage.config.ts), then statements / branches / functions / lines per package.
// Exits 1 when core's functions coverage is below FLOOR. Arguments go to vitest (e.g. `-- --project core`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const FLOOR = { package: 'core', metric: 'functions', pct: 85 };
const METRICS = ['statements', 'branches', 'functions', 'lines'];
const args = process.argv.slice(2);
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.coverage.config.ts', '--coverage.enabled', ...args],
  { stdio: 'inherit' },
);

const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
const totals = new Map();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const name = relative(process.cwd(), file).split('/')[1];
  const sums =
    totals.get(name) ?? Object.fromEntries(METRICS.map((metric) => [metric, { covered: 0, total: 0 }]));
  for (const metric of METRICS) {
    sums[metric].covered += counts[metric].covered;
    sums[metric].total += counts[metric].total;
  }
  totals.set(name, sums);
}
const pct = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total);
console.log(`\ncoverage per package (${METRICS.join(' / ')}), html in coverage/index.html:`);
for (const [name, sums] of [...totals].sort()) {
  const cells = METRICS.map((metric) => `${pct(sums[metric]).toFixed(1).padStart(5)}%`);
  console.log(`  ${name.padEnd(8)} ${cells.join('  ')}`);
}
const floor = totals.get(FLOOR.package);
const measured = floor === undefined ? 0 : pct(floor[FLOOR.metric]);
if (measured < FLOOR.pct) {
  console.error(
    `\n${FLOOR.package} ${FLOOR.metric} coverage ${measured.toFixed(1)}% is below ${FLOOR.pct}%.`,
  );
  process.exit(1);
}
process.exit(vitest.status ?? 1);
