import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Shared test config of every package. `*.int.test.ts` files need Redis and
 * PostgreSQL: they run in the `int` project against REDIS_URL / DATABASE_URL,
 * which default to the local services, and fail (not skip) when those do not
 * answer. `AGENTRY_SKIP_INT=1` skips them on purpose.
 */
if (process.env.AGENTRY_SKIP_INT === '1') {
  delete process.env.REDIS_URL;
  delete process.env.DATABASE_URL;
} else {
  // Set before vitest starts its workers, which inherit the environment.
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
}
const checkServices = fileURLToPath(new URL('./scripts/test-services.mjs', import.meta.url));

export default defineConfig({
  test: {
    setupFiles: ['reflect-metadata'],
    testTimeout: 20_000,
    passWithNoTests: true,
    hookTimeout: 30_000,
    // CI also writes a JSON report per package; `.ci/run` adds them up into one closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-report.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          globalSetup: [checkServices],
        },
      },
    ],
  },
});
