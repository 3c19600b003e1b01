// Tests for the import check: a planted cycle or a wrong-way import fails it; the real repository passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkRepository, importSpecifiers } from './check-imports.mjs';

const script = fileURLToPath(new URL('./check-imports.mjs', import.meta.url));
const roots = [];

/** A throwaway repository: `files` maps `packages/<dir>/…` paths to their text. */
function plantRepository(files) {
  const root = mkdtempSync(path.join(tmpdir(), 'check-imports-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const corePackage = { 'packages/core/package.json': JSON.stringify({ name: '@agentry/core' }) };

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('check-imports', () => {
  it('passes a package whose rooms import one way', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/index.ts': "export { run } from './runtime/run.js';\n",
      'packages/core/src/runtime/run.ts':
        "import { error } from '../errors/error.js';\nexport const run = error;\n",
      'packages/core/src/errors/error.ts': 'export const error = 1;\n',
    });
    assert.deepEqual(checkRepository(root), []);
  });

  it('fails on a planted file cycle and the folder cycle it makes, naming both', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/runtime/run.ts':
        "import { tool } from '../defaults/tool.js';\nexport const run = 1;\n",
      'packages/core/src/defaults/tool.ts':
        "import type { run } from '../runtime/run.js';\nexport const tool = 2;\n",
    });
    const problems = checkRepository(root);
    assert.ok(problems.some((problem) => problem.includes('file import cycle')));
    assert.ok(problems.some((problem) => problem.includes('folder import cycle among defaults/, runtime/')));
    const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /runtime\/run\.ts → defaults\/tool\.ts → runtime\/run\.ts|defaults\/tool\.ts → runtime\/run\.ts → defaults\/tool\.ts/,
    );
  });

  it('fails on a folder cycle made by two different file pairs (no file cycle)', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/config/schema.ts':
        "import { table } from '../loader/table.js';\nexport const s = table;\n",
      'packages/core/src/loader/table.ts': 'export const table = 1;\n',
      'packages/core/src/loader/load.ts':
        "import { issues } from '../config/issues.js';\nexport const l = issues;\n",
      'packages/core/src/config/issues.ts': 'export const issues = 1;\n',
    });
    assert.deepEqual(checkRepository(root), [
      '@agentry/core: folder import cycle among config/, loader/ (for example config/ → loader/ → config/: config/schema.ts imports loader/table.ts; loader/load.ts imports config/issues.ts)',
    ]);
  });

  it('fails on a cycle between sub-folders of one room, type-only imports included, naming an import each way', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/runtime/run/loop.ts':
        "import { turn } from '../tools/turn.js';\nexport const loop = turn;\n",
      'packages/core/src/runtime/tools/turn.ts': 'export const turn = 1;\n',
      'packages/core/src/runtime/tools/bound.ts':
        "import type { Context } from '../run/context.js';\nexport type Bound = Context;\n",
      'packages/core/src/runtime/run/context.ts': 'export interface Context {}\n',
      'packages/core/src/runtime/durability/store/save.ts':
        "import { load } from '../load/load.js';\nexport const save = load;\n",
      'packages/core/src/runtime/durability/load/load.ts': 'export const load = 1;\n',
      'packages/core/src/runtime/durability/load/lease.ts':
        "import { save } from '../store/save.js';\nexport const lease = save;\n",
    });
    assert.deepEqual(checkRepository(root), [
      '@agentry/core: folder import cycle among runtime/durability/load/, runtime/durability/store/ (for example runtime/durability/load/ → runtime/durability/store/ → runtime/durability/load/: runtime/durability/load/lease.ts imports runtime/durability/store/save.ts; runtime/durability/store/save.ts imports runtime/durability/load/load.ts)',
      '@agentry/core: folder import cycle among runtime/run/, runtime/tools/ (for example runtime/run/ → runtime/tools/ → runtime/run/: runtime/run/loop.ts imports runtime/tools/turn.ts; runtime/tools/bound.ts imports runtime/run/context.ts)',
    ]);
    const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /folder import cycle among runtime\/run\/, runtime\/tools\//);
  });

  it('passes a parent folder whose own files and sub-folders import each other (the parent is not a sub-folder)', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/runtime/launcher.ts':
        "import { loop } from './run/loop.js';\nexport const launch = loop;\n",
      'packages/core/src/runtime/active.ts': 'export const active = 1;\n',
      'packages/core/src/runtime/run/loop.ts':
        "import { active } from '../active.js';\nexport const loop = active;\n",
    });
    assert.deepEqual(checkRepository(root), []);
  });

  it('fails on an import against the package direction and on an unlisted package', () => {
    const root = plantRepository({
      ...corePackage,
      'packages/core/src/index.ts':
        "import { SqliteStore } from '@agentry/plugins/store';\nexport { SqliteStore };\n",
      'packages/console/package.json': JSON.stringify({ name: '@agentry/console' }),
      'packages/console/src/main.ts':
        "import type { RunResult } from '@agentry/core';\nexport type R = RunResult;\n",
      'packages/extra/package.json': JSON.stringify({ name: '@agentry/extra' }),
    });
    const problems = checkRepository(root);
    assert.ok(
      problems.includes(
        '@agentry/core: src/index.ts imports @agentry/plugins/store; @agentry/core may import no workspace package',
      ),
    );
    assert.ok(
      problems.includes(
        '@agentry/console: src/main.ts imports @agentry/core; @agentry/console may import no workspace package',
      ),
    );
    assert.ok(
      problems.some((problem) => problem.startsWith('@agentry/extra: not in the package direction table')),
    );
  });

  it('reads static, type-only and dynamic specifiers and ignores comments', () => {
    const specifiers = importSpecifiers(
      [
        "import { a } from './a.js';",
        "import type {\n  B,\n} from './b.js';",
        "export * from './c.js';",
        "import './d.js';",
        "const e = await import('./e.js');",
        "// import { f } from './f.js';",
        "/** import { g } from './g.js'; */",
      ].join('\n'),
    );
    assert.deepEqual(specifiers, [
      { specifier: './a.js', dynamic: false },
      { specifier: './b.js', dynamic: false },
      { specifier: './c.js', dynamic: false },
      { specifier: './d.js', dynamic: false },
      { specifier: './e.js', dynamic: true },
    ]);
  });

  it('passes this repository', () => {
    const repoRoot = path.resolve(path.dirname(script), '..');
    assert.deepEqual(checkRepository(repoRoot), []);
  });
});
