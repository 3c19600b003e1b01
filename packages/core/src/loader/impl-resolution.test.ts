import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImplSpecifier, resolveImpl } from './impl-specifier.js';

let project: string;
let outside: string;

function write(path: string, text = 'export default {};\n') {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function pkg(name: string, exportsField: unknown) {
  write(
    join(project, 'node_modules', name, 'package.json'),
    JSON.stringify({ name, type: 'module', exports: exportsField }),
  );
}

beforeAll(() => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'agentry-impl-')));
  project = join(base, 'project');
  outside = join(base, 'outside');
  write(join(project, 'tools.ts'));
  write(join(project, 'lib', 'memory.ts'));
  write(join(project, 'lib', 'plain.mjs'));
  write(join(project, 'lib', 'module.mts'));
  write(join(outside, 'evil.ts'));
  symlinkSync(join(outside, 'evil.ts'), join(project, 'link.ts'));
  pkg('esm-only', { '.': { import: './index.mjs' }, './sub': { node: { import: './sub.mjs' } } });
  pkg('@acme/plugins', { import: './main.mjs', require: null });
  pkg('string-exports', './entry.mjs');
  pkg('default-only', { '.': { default: './fallback.mjs' } });
  pkg('subpaths-first', { './feature': { import: './feature.mjs' }, '.': { import: './main.mjs' } });
  pkg('null-condition', { '.': { import: null, default: './fallback.mjs' } });
  pkg('empty-exports', {});
});
afterAll(() => {
  rmSync(dirname(project), { recursive: true, force: true });
});

const resolveIn = (specifier: string) => resolveImpl(`${specifier}#x`, specifier, { baseDir: project });

function refusal(specifier: string) {
  try {
    resolveIn(specifier);
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error(`expected ${specifier} to be refused`);
}

describe('resolving packages through their exports field', () => {
  it('takes the import condition of an ESM-only package, also for a subpath and nested conditions', () => {
    expect(resolveIn('esm-only')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/esm-only/index.mjs'),
    });
    expect(resolveIn('esm-only/sub')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/esm-only/sub.mjs'),
    });
  });

  it('reads a conditions-only map, a plain string and a default condition as the package root', () => {
    expect(resolveIn('@acme/plugins')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/@acme/plugins/main.mjs'),
    });
    expect(resolveIn('string-exports')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/string-exports/entry.mjs'),
    });
    expect(resolveIn('default-only')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/default-only/fallback.mjs'),
    });
  });

  it('says which package to install when a package or subpath is missing', () => {
    const missing = refusal('@acme/plugins/nope');
    expect(missing.code).toBe('plugin.not_found');
    expect(missing.message).toBe(
      `impl "@acme/plugins/nope#x": package "@acme/plugins/nope" cannot be found from ${project}`,
    );
    expect(missing.hint).toBe('install it in the project (npm install @acme/plugins) or check the subpath');
    expect(refusal('string-exports/extra').hint).toContain('npm install string-exports)');
    expect(refusal('absent-pkg/deep').hint).toContain('npm install absent-pkg)');
  });

  it('suggests ./ for a file beside the config written like a package name', () => {
    expect(refusal('tools.ts').hint).toBe('for the file beside the config, write "./tools.ts"');
  });
});

describe('refusals before any import', () => {
  it.each(['Bad Name', 'UPPER', 'esm-only/../../outside/evil', 'esm-only/..', '@scope', 'a//b'])(
    '%s is neither a package name nor a relative path',
    (specifier) => {
      const error = refusal(specifier);
      expect(error.code).toBe('plugin.impl_refused');
      expect(error.message).toBe(
        `impl "${specifier}#x" is refused: it is neither a package name nor a relative path`,
      );
    },
  );

  it.each([
    ['https://example.com/x.js', 'remote code is never loaded'],
    ['HTTP://example.com/x.js', 'remote code is never loaded'],
    ['data:text/javascript,1', 'inline code is never loaded'],
    ['node:fs', 'Node builtins are not plugins'],
    ['file:///etc/passwd', 'file: URLs are not accepted'],
    ['git+ssh://host/repo', '"git+ssh:" specifiers are not accepted'],
  ])('%s is refused: %s', (specifier, why) => {
    expect(refusal(specifier).message).toBe(`impl "${specifier}#x" is refused: ${why}`);
  });

  it('refuses paths that leave the project root, also through a symlink', () => {
    expect(refusal('../outside/evil.ts').message).toContain('it leaves the project root');
    expect(refusal('..').message).toContain('it leaves the project root');
    expect(refusal(join(outside, 'evil.ts')).message).toContain('it leaves the project root');
    expect(refusal('./link.ts').message).toContain(`it leaves the project root ${project}`);
  });

  it('accepts a path inside a wider project root than the config directory', () => {
    const options = { baseDir: join(project, 'lib'), projectRoot: project };
    expect(resolveImpl('../tools.ts', '../tools.ts', options)).toEqual({
      type: 'file',
      file: join(project, 'tools.ts'),
    });
  });

  it('finds files by .js → .ts swap and by trying extensions, and reports a missing file', () => {
    expect(resolveIn('./lib/memory.js')).toEqual({ type: 'file', file: join(project, 'lib/memory.ts') });
    expect(resolveIn('./lib/memory')).toEqual({ type: 'file', file: join(project, 'lib/memory.ts') });
    expect(resolveIn('./lib/plain')).toEqual({ type: 'file', file: join(project, 'lib/plain.mjs') });
    const missing = refusal('./lib/absent.ts');
    expect(missing.code).toBe('plugin.not_found');
    expect(missing.message).toBe(
      `impl "./lib/absent.ts#x": file ${join(project, 'lib/absent.ts')} does not exist`,
    );
    expect(refusal('./lib').code).toBe('plugin.not_found');
  });
});

describe('parsing', () => {
  it('refuses an empty module, reserved and invalid export names', () => {
    expect(() => parseImplSpecifier('  #x')).toThrow('it names no module');
    expect(() => parseImplSpecifier('./a.ts#then')).toThrow('"then" is a reserved name');
    expect(() => parseImplSpecifier('./a.ts#1bad')).toThrow('"1bad" is not an export name');
    expect(parseImplSpecifier(' ./a#b.ts#Name ')).toEqual({ specifier: './a#b.ts', exportName: 'Name' });
  });
});

describe('what a user sees for a mistyped impl', () => {
  it('each refusal says how to fix it', () => {
    expect(() => parseImplSpecifier('#x')).toThrow(
      expect.objectContaining({
        hint: 'write "<package or ./path>#<export>", e.g. "./my-memory.ts#MyMemory"',
      }),
    );
    expect(() => parseImplSpecifier('./a.ts#1bad')).toThrow(
      expect.objectContaining({ hint: 'use a JavaScript identifier after "#"' }),
    );
    expect(refusal('Bad Name').hint).toBe(
      'use a package name ("my-plugins/memory") or a path starting with "./"',
    );
    expect(refusal('git+ssh://host/repo').hint).toBe(
      'use a package name or a path relative to the config file',
    );
    expect(refusal('./lib/absent.ts').hint).toBe(
      'paths are relative to the config file; check the spelling and the extension',
    );
  });

  it('"." and "./" name the config directory: not a plugin file, but not outside the project either', () => {
    for (const specifier of ['.', './']) {
      const error = refusal(specifier);
      expect(error.code).toBe('plugin.not_found');
      expect(error.message).toBe(`impl "${specifier}#x": file ${project} does not exist`);
    }
  });

  it('swaps .mjs for .mts, only for .js and .mjs, and reports a missing file for either', () => {
    expect(resolveIn('./lib/module.mjs')).toEqual({ type: 'file', file: join(project, 'lib/module.mts') });
    expect(refusal('./lib/module.cjs').code).toBe('plugin.not_found');
    expect(refusal('./lib/absent.js').code).toBe('plugin.not_found');
    expect(refusal('./lib/absent.mjs').code).toBe('plugin.not_found');
  });

  it('reads subpath maps whatever their order, skips null conditions, and refuses empty exports', () => {
    expect(resolveIn('subpaths-first/feature')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/subpaths-first/feature.mjs'),
    });
    expect(resolveIn('null-condition')).toEqual({
      type: 'file',
      file: join(project, 'node_modules/null-condition/fallback.mjs'),
    });
    expect(refusal('empty-exports').code).toBe('plugin.not_found');
  });
});
