/** `agentry init [dir]`: scaffolds a runnable project (scripted demo model, file tools, a custom tool). */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import { fullConfigSchema } from '../config-schema.js';
import type { CliContext } from '../context.js';
import { DEMO_TASK, initTemplates } from '../init-templates.js';
import { localPackageDirs } from '../local-packages.js';
import { EXIT, UsageError } from '../render/errors.js';
import { shellQuote } from '../render/format.js';

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** A package name from a directory name. */
export function packageName(directory: string): string {
  const base = path
    .basename(directory)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return base === '' ? 'agentry-project' : base;
}

/**
 * The commands to run after `init` into `dir`. They use `npx agentry`: after `npm install` that is the
 * project's own binary, and every argument (`--help`, `--version`) reaches it. `local`: the dependencies link to this checkout.
 */
export function nextSteps(dir: string, local: boolean): string[] {
  return [
    ...(dir === '.' ? [] : [`cd ${shellQuote(dir)}`]),
    local ? 'npm install --no-audit --no-fund --offline' : 'npm install',
    'npx agentry validate',
    `npx agentry run assistant ${shellQuote(DEMO_TASK)}`,
  ];
}

export function registerInit(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('init')
    .description(
      'Create agentry.yaml (with its JSON Schema for editors), a demo script, a custom tool and package.json scripts in a directory',
    )
    .argument('[dir]', 'target directory (created when missing)', '.')
    .option('--force', 'overwrite files that already exist')
    .option('--json', 'print the written files as one JSON document')
    .action(
      action(context, exit, async (dir: string, options: { force?: boolean }) => {
        const target = path.resolve(context.io.cwd, dir);
        const localDirs = localPackageDirs();
        const files = [
          ...initTemplates(packageName(target), localDirs),
          { path: 'agentry.schema.json', content: `${JSON.stringify(await fullConfigSchema(), null, 2)}\n` },
        ];
        const written: string[] = [];
        const skipped: string[] = [];
        if (!options.force && (await exists(path.join(target, 'agentry.yaml')))) {
          throw new UsageError(
            `${path.join(dir, 'agentry.yaml')} already exists.`,
            'Pick another directory, or pass --force to overwrite the scaffolded files.',
          );
        }
        for (const file of files) {
          const destination = path.join(target, file.path);
          if (!options.force && (await exists(destination))) {
            skipped.push(file.path);
            continue;
          }
          await mkdir(path.dirname(destination), { recursive: true });
          await writeFile(destination, file.content);
          written.push(file.path);
        }
        const next = nextSteps(dir, localDirs !== undefined);
        if (context.json) {
          context.printJson({ directory: target, written, skipped, next });
          return EXIT.ok;
        }
        const style = context.style;
        for (const file of written) context.human(`${style.symbols.ok} ${path.join(dir, file)}`);
        for (const file of skipped)
          context.human(`${style.symbols.warn} ${path.join(dir, file)} exists, left as is`);
        context.human(
          `\nNext:\n  ${next.join('\n  ')}\n\nThe run stops for your approval before it writes a file. Switch to a real model in agentry.yaml when ready.`,
        );
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry init my-agent', 'scaffold into ./my-agent'],
    ['agentry init . --force', 'scaffold here, overwriting'],
  ]);
}
