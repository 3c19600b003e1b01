/**
 * `npm run coverage`: the tests of core, plugins, server and cli in one vitest run with V8 coverage, every
 * package's tests running against the SOURCES of the packages they import (`@agentry/core` → core's `src`,
 * and so on), so core code that only the plugins' or the CLI's tests exercise counts as covered. Processes
 * that tests spawn (the CLI binary, crash-test workers) run the built files and are not counted.
 * The console is left out: its tests drive a browser over the built bundle (see packages/console).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export const COVERED_PACKAGES = ['core', 'plugins', 'server', 'cli'] as const;

const root = fileURLToPath(new URL('.', import.meta.url));

interface PackageJson {
  name: string;
  exports?: Record<string, string | { default?: string }>;
}

/** `@agentry/<pkg>[/<subpath>]` → the source file its `exports` entry is built from. */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  return COVERED_PACKAGES.flatMap((name) => {
    const dir = `${root}packages/${name}/`;
    const manifest = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as PackageJson;
    return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
      const built = typeof target === 'string' ? target : target.default;
      const match = built?.match(/^\.\/dist\/(.+)\.js$/);
      if (match === null || match === undefined) return [];
      const specifier = `${manifest.name}${subpath.slice(1)}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return [{ find: new RegExp(`^${specifier}$`), replacement: `${dir}src/${match[1]}.ts` }];
    });
  });
}

const alias = sourceAliases();

export default defineConfig({
  resolve: { alias },
  test: {
    setupFiles: ['reflect-metadata'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    passWithNoTests: true,
    projects: COVERED_PACKAGES.map((name) => ({
      extends: true,
      resolve: { alias },
      test: {
        name,
        root: `${root}packages/${name}`,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      },
    })),
    coverage: {
      provider: 'v8',
      // Each project's root is its package: without this, a package's tests would count only its own files.
      allowExternal: true,
      reportsDirectory: `${root}coverage`,
      reporter: ['text-summary', 'json-summary', 'html'],
      include: COVERED_PACKAGES.map((name) => `packages/${name}/src/**/*.{ts,mjs,js}`),
      exclude: [
        // Tests and their fixtures are not product code.
        '**/*.test.ts',
        '**/__fixtures__/**',
        // Type declarations hold no code.
        '**/*.d.ts',
      ],
    },
  },
});
