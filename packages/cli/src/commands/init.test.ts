import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, REPO_DIR, scratchDir } from '../__fixtures__/cli-harness.js';
import { initTemplates, type TemplateFile } from '../init-templates.js';
import { isInstalled, localPackageDirs } from '../local-packages.js';
import { nextSteps } from './init.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('agentry init', () => {
  it('scaffolds a project that validates, and refuses to overwrite it without --force', async () => {
    const scratch = scratchDir({}, { inRepo: false });
    cleanups.push(scratch.remove);
    const created = await cli(['init', 'my-agent'], { cwd: scratch.dir });
    expect(created.code).toBe(0);
    const dir = path.join(scratch.dir, 'my-agent');
    for (const file of [
      'agentry.yaml',
      'agentry.schema.json',
      'demo.script.yaml',
      'tools/word-count.ts',
      'workspace/notes.txt',
      'package.json',
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect(manifest.name).toBe('my-agent');
    expect(manifest.scripts.start).toMatch(/^agentry run assistant /);
    expect(readFileSync(path.join(dir, 'agentry.yaml'), 'utf8')).toContain(
      '# main:\n#   provider: openai'.replaceAll('#', '  #'),
    );
    expect(created.stdout).toContain('npx agentry run assistant');
    // Editors pick the schema up from the first line; it knows the builtins the config uses.
    const config = readFileSync(path.join(dir, 'agentry.yaml'), 'utf8');
    expect(config.split('\n')[0]).toBe('# yaml-language-server: $schema=./agentry.schema.json');
    const schema = JSON.parse(readFileSync(path.join(dir, 'agentry.schema.json'), 'utf8')) as {
      $defs: Record<string, { anyOf: { enum?: string[] }[] }>;
    };
    expect(schema.$defs['tool-slot']?.anyOf[0]?.enum).toContain('write-file');
    expect(created.stdout).not.toMatch(/npx --no|npx @agentry/);

    const validated = await cli(['validate'], { cwd: dir });
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);

    const again = await cli(['init', 'my-agent'], { cwd: scratch.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await cli(['init', 'my-agent', '--force', '--json'], { cwd: scratch.dir });
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as { written: string[] }).written).toContain('agentry.yaml');
  });
});

describe('init dependencies', () => {
  it('links a checkout with file: paths, and uses version ranges when installed from a registry', () => {
    const linked = initTemplates('demo', {
      '@agentry/cli': '/src/agentry/packages/cli',
      '@agentry/core': '/src/agentry/packages/core',
      '@agentry/plugins': '/src/agentry/packages/plugins',
      zod: '/src/agentry/node_modules/zod',
    });
    const dependencies = (files: TemplateFile[]) =>
      (
        JSON.parse(files.find((file) => file.path === 'package.json')!.content) as {
          dependencies: Record<string, string>;
        }
      ).dependencies;
    expect(dependencies(linked)).toEqual({
      '@agentry/cli': 'file:/src/agentry/packages/cli',
      '@agentry/core': 'file:/src/agentry/packages/core',
      '@agentry/plugins': 'file:/src/agentry/packages/plugins',
      zod: 'file:/src/agentry/node_modules/zod',
    });
    expect(dependencies(initTemplates('demo'))['@agentry/cli']).toBe('^0.1.0');
  });

  it('knows a checkout from an installed package, and this CLI runs from a checkout', () => {
    expect(isInstalled('/home/me/app/node_modules/@agentry/cli')).toBe(true);
    expect(isInstalled('/home/me/agentry/packages/cli')).toBe(false);
    expect(localPackageDirs()?.['@agentry/core']).toBe(path.join(REPO_DIR, 'packages/core'));
  });

  it('prints steps that never download an unrelated `agentry` package', () => {
    expect(nextSteps('my-agent', true)).toEqual([
      'cd my-agent',
      'npm install --no-audit --no-fund --offline',
      'npx agentry validate',
      "npx agentry run assistant 'Summarise workspace/notes.txt into workspace/summary.md'",
    ]);
    expect(nextSteps('.', false)[0]).toBe('npm install');
  });
});

describe('the scaffolded project', () => {
  it('runs: the custom TypeScript tool loads by path and the gated write waits for approval', async () => {
    const scratch = scratchDir();
    cleanups.push(scratch.remove);
    expect((await cli(['init', '.'], { cwd: scratch.dir })).code).toBe(0);
    const suspended = await cli(['run', 'assistant', 'Summarise the notes', '--json'], { cwd: scratch.dir });
    expect(suspended.stderr).toMatch(/tool\s+word-count .* ok/);
    expect(suspended.code).toBe(3);
    const approved = await cli(['run', 'assistant', 'Summarise the notes', '--approve', 'write-file'], {
      cwd: scratch.dir,
    });
    expect(approved.code).toBe(0);
    expect(readFileSync(path.join(scratch.dir, 'workspace/summary.md'), 'utf8')).toContain('# Summary');
  });
});
