import { defineConfig } from 'vitest/config';

/**
 * Shared test config of every package. `*.int.test.ts` files need Redis or
 * PostgreSQL: they run in the `int` project and skip themselves when
 * REDIS_URL / DATABASE_URL are unset (`.ci/run` sets both and checks them).
 */
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
      { extends: true, test: { name: 'int', include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'] } },
    ],
  },
});
