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
    .description('Write a plugin skeleton (tool or memory) and print the YAML that references it')
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
        const exists = await stat(target).then(
          () => true,
          () => false,
        );
        if (exists && options.force !== true) {
          throw new UsageError(
            `${scaffold.file} already exists.`,
            'Pick another name, or pass --force to overwrite it.',
          );
        }
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, scaffold.content);
        const style = context.style;
        context.human(
          `${style.symbols.ok} wrote ${scaffold.file}\n\nUse it in agentry.yaml (paths are relative to the config file):\n\n${indent(usageSnippet(scaffold), 2)}\n\nThen: agentry validate`,
        );
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry new plugin tool send-email', 'plugins/send-email-tool.ts exporting sendEmail'],
    ['agentry new plugin memory pinned-notes --dir src', 'src/pinned-notes-memory.ts'],
  ]);
}
