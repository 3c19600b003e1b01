import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

const mutationRun = process.env.STRYKER_MUTATOR_WORKER !== undefined;

export default mergeConfig(shared, {
  // The package folder is the root wherever vitest starts (Stryker starts it from the repository root).
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Under Stryker the sources are instrumented, so the docs generators' staleness checks do not apply, and the
  // sandbox holds no build for the test of the built entries (it reads dist, which no mutant changes).
  ...(mutationRun
    ? { test: { exclude: ['**/node_modules/**', '**/*-doc.test.ts', '**/built-entries.test.ts'] } }
    : {}),
});
