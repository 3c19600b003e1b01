/** `agentry new plugin <kind> <name>`: scaffolds a plugin file and prints the YAML that uses it. */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import {
  indent,
  pluginScaffold,
  SCAFFOLD_KINDS,
  type ScaffoldKind,
  usageSnippet,
} from '../plugin-templates.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

export function registerNew(program: Command, context: CliContext, exit: ExitSlot): void {
  const group = program.command('new').description('Scaffold new things (plugins)');
  withExamples(group, [['agentry new plugin tool send-email', 'a tool in plugins/send-email-tool.ts']]);
  const command = group
    .command('plugin')
    .description('Write a plugin skeleton and its conformance test, and print the YAML that references it')
    .argument('<kind>', SCAFFOLD_KINDS.join(' | '))
    .argument('<name>', 'plugin name: lowercase letters, digits and "-"')
    .option('-d, --dir <dir>', 'directory for the file, relative to the working directory', 'plugins')
    .option('--force', 'overwrite an existing file')
    .action(
      action(context, exit, async (kind: string, name: string, options: { dir: string; force?: boolean }) => {
        if (!(SCAFFOLD_KINDS as readonly string[]).includes(kind)) {
          throw new UsageError(
            `Cannot scaffold a "${kind}" plugin.${didYouMean(kind, SCAFFOLD_KINDS)}`,
            `Kinds with a template: ${SCAFFOLD_KINDS.join(', ')}. Every kind's contract is in @agentry/core (contracts/<kind>.ts).`,
          );
        }
        if (!NAME.test(name))
          throw new UsageError(
            `"${name}" is not a valid plugin name.`,
            'Use lowercase letters, digits and "-", e.g. send-email.',
          );
        const scaffold = pluginScaffold(kind as ScaffoldKind, name, options.dir);
        const target = path.resolve(context.io.cwd, scaffold.file);
        const testTarget = path.resolve(context.io.cwd, scaffold.test.file);
        const existing = [];
        for (const [file, absolute] of [
          [scaffold.file, target],
          [scaffold.test.file, testTarget],
        ] as const) {
          if (
            await stat(absolute).then(
              () => true,
              () => false,
            )
          )
            existing.push(file);
        }
        if (existing.length > 0 && options.force !== true) {
          throw new UsageError(
            `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}.`,
            'Pick another name, or pass --force to overwrite it.',
          );
        }
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, scaffold.content);
        await writeFile(testTarget, scaffold.test.content);
        const style = context.style;
        context.human(
          `${style.symbols.ok} wrote ${scaffold.file}\n${style.symbols.ok} wrote ${scaffold.test.file} (its conformance test: npx vitest run ${scaffold.test.file})\n\nUse it in agentry.yaml (paths are relative to the config file):\n\n${indent(usageSnippet(scaffold), 2)}\n\nThen: agentry validate`,
        );
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry new plugin tool send-email', 'plugins/send-email-tool.ts exporting sendEmail'],
    ['agentry new plugin memory pinned-notes --dir src', 'src/pinned-notes-memory.ts'],
    ['agentry new plugin store kv', 'plugins/kv-store.ts and plugins/kv-store.test.ts'],
  ]);
}
