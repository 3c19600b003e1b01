/** `agentry schema`: the JSON Schema of the config file, for editors. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import { fullConfigSchema } from '../config-schema.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../render/errors.js';

export function registerSchema(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('schema')
    .description(
      "Print the JSON Schema of agentry.yaml (for editor completion and checks): builtin names and each builtin's config keys",
    )
    .option('-o, --out <file>', 'write the schema to a file instead of stdout')
    .action(
      action(context, exit, async (options: { out?: string }) => {
        const text = `${JSON.stringify(await fullConfigSchema(), null, 2)}\n`;
        if (options.out === undefined) {
          context.io.stdout.write(text);
        } else {
          const target = path.resolve(context.io.cwd, options.out);
          await writeFile(target, text);
          context.note(`${context.stderrStyle.symbols.ok} wrote ${options.out}`);
        }
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry schema --out agentry.schema.json', 'write the schema beside your config'],
    ['agentry schema > schema.json', 'same, through stdout'],
  ]);
  command.addHelpText(
    'after',
    '\nThen put `# yaml-language-server: $schema=./agentry.schema.json` at the top of agentry.yaml.\n',
  );
}
