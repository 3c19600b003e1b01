// Adds up the per-package vitest JSON reports into one line: "N passed, N failed, N skipped".
//   node .ci/test-summary.mjs                 prints the line of the reports on disk
//   node .ci/test-summary.mjs --record <run>  also keeps it as run <run> (e.g. "Node v20.20.2") in .ci/results/
//   node .ci/test-summary.mjs --closing       prints the closing line over every recorded run, and the total
// Exits 1 when a test failed or none passed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = '.ci/results';
const line = (totals) => `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
const bad = (totals) => totals.failed > 0 || totals.passed === 0;

function fromReports() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(group)) {
      const file = join(group, name, '.vitest-report.json');
      if (!existsSync(file)) continue;
      const report = JSON.parse(readFileSync(file, 'utf8'));
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + report.numTodoTests;
    }
  }
  return totals;
}

const [flag, run] = process.argv.slice(2);
if (flag === '--closing') {
  const runs = existsSync(RESULTS)
    ? readdirSync(RESULTS)
        .sort()
        .map((file) => JSON.parse(readFileSync(join(RESULTS, file), 'utf8')))
    : [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const recorded of runs) for (const key of Object.keys(total)) total[key] += recorded.totals[key];
  const parts = runs.map((recorded) => `${recorded.run}: ${line(recorded.totals)}`);
  console.log(runs.length > 1 ? `${parts.join(' · ')} · total: ${line(total)}` : line(total));
  process.exit(runs.length === 0 || runs.some((recorded) => bad(recorded.totals)) ? 1 : 0);
}
if (flag === '--reset') {
  rmSync(RESULTS, { recursive: true, force: true });
  process.exit(0);
}
const totals = fromReports();
if (flag === '--record') {
  mkdirSync(RESULTS, { recursive: true });
  const index = readdirSync(RESULTS).length;
  writeFileSync(join(RESULTS, `${index}.json`), `${JSON.stringify({ run, totals })}\n`);
  console.log(`${run}: ${line(totals)}`);
} else {
  console.log(line(totals));
}
process.exit(bad(totals) ? 1 : 0);
