/** `agentry plugins`: every builtin plugin with its kind, name, implementation path and description. */
import { PLUGIN_SPEC_VERSIONS, type PluginKind } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { listBuiltinPlugins } from '../core-api.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';
import { renderPlainRows, renderTable } from '../render/table.js';
import { showPlugin } from './plugin-details.js';

/** Every plugin kind, in the order `agentry plugins` lists them. */
export const PLUGIN_KINDS = Object.keys(PLUGIN_SPEC_VERSIONS) as PluginKind[];

/** Checks a `--kind` value; throws a usage error with a did-you-mean. */
export function parseKind(value: string | undefined): PluginKind | undefined {
  if (value === undefined) return undefined;
  if ((PLUGIN_KINDS as string[]).includes(value)) return value as PluginKind;
  throw new UsageError(
    `Unknown plugin kind "${value}".${didYouMean(value, PLUGIN_KINDS)}`,
    `Kinds: ${PLUGIN_KINDS.join(', ')}.`,
  );
}

export function registerPlugins(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('plugins')
    .description('List the builtin plugins: kind, name, implementation path and what each does')
    .argument('[name]', 'show one builtin in detail, with its config keys')
    .option('-k, --kind <kind>', `only one kind (${PLUGIN_KINDS.join(', ')})`)
    .option('--json', 'print the list as one JSON document')
    .action(
      action(context, exit, async (name: string | undefined, options: { kind?: string }) => {
        const kind = parseKind(options.kind);
        if (name !== undefined) return showPlugin(context, listBuiltinPlugins(kind), name);
        const plugins = [...listBuiltinPlugins(kind)].sort(
          (left, right) =>
            PLUGIN_KINDS.indexOf(left.kind) - PLUGIN_KINDS.indexOf(right.kind) ||
            left.name.localeCompare(right.name),
        );
        if (context.json) {
          context.printJson(
            plugins.map(({ kind, name, impl, description }) => ({ kind, name, impl, description })),
          );
          return EXIT.ok;
        }
        const rows = plugins.map((plugin) => [plugin.kind, plugin.name, plugin.impl, plugin.description]);
        if (context.io.stdout.isTTY === true) {
          const table = renderTable(['KIND', 'NAME', 'IMPL', 'DESCRIPTION'], rows, {
            width: context.io.stdout.columns,
            bold: context.style.bold,
          });
          context.human(table);
        } else {
          context.io.stdout.write(renderPlainRows(rows));
        }
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry plugins', 'everything, as a table on a terminal'],
    ['agentry plugins --kind memory', 'only memories'],
    ['agentry plugins read-file', 'one plugin with its config keys'],
    ['agentry plugins --json | jq ".[].impl"', 'implementation paths for scripts'],
  ]);
}
