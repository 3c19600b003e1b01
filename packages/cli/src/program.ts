/** The `agentry` command tree (commander); one file per command under `commands/`. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ExitSlot } from './command-kit.js';
import { examples } from './command-kit.js';
import { registerChat } from './commands/chat.js';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerDev } from './commands/dev.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvents } from './commands/events.js';
import { registerInit } from './commands/init.js';
import { registerMcp } from './commands/mcp.js';
import { registerNew } from './commands/new-plugin.js';
import { registerPlugins } from './commands/plugins.js';
import { registerPublish } from './commands/publish.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchema } from './commands/schema.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerStopRun } from './commands/stop-run.js';
import { registerTools } from './commands/tools.js';
import { registerTriggers } from './commands/triggers.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';
import type { CliContext } from './context.js';
import { UsageError } from './render/errors.js';
import { didYouMean } from './render/suggest.js';

/** The CLI's own version (from its package.json). */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * `agentry help [command…]` as the argv commander parses: `[command…, --help]`, so nested commands
 * (`help runs show`) get their own help. A word that names no command is reported with a did-you-mean and
 * exits 2 instead of falling back to the root help.
 */
export function expandHelp(program: Command, argv: readonly string[]): readonly string[] {
  if (argv[0] !== 'help') return argv;
  const words = argv.slice(1).filter((word) => !word.startsWith('-'));
  let command = program;
  for (const word of words) {
    const next = command.commands.find((child) => child.name() === word || child.aliases().includes(word));
    if (next === undefined) {
      const names = command.commands.map((child) => child.name()).filter((name) => name !== 'help');
      const where = command === program ? 'agentry' : `agentry ${command.name()}`;
      throw new UsageError(
        `${where} has no command "${word}".${didYouMean(word, names)}`,
        `Its commands: ${names.join(', ')}.`,
      );
    }
    command = next;
  }
  return [...words, '--help'];
}

/** Builds the whole command tree, writing through `context.io` and recording exit codes in `exit`. */
export function createProgram(context: CliContext, exit: ExitSlot): Command {
  const program = new Command('agentry');
  program
    .description('Run, validate and inspect Agentry agents declared in YAML.')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'show checkpoint marks in run progress, stack traces and debug details')
    .option(
      '-q, --quiet',
      'no run progress and no summary of a completed run: only the output and what needs you',
    )
    .option('--no-color', 'never use colours (also: NO_COLOR=1)')
    .helpCommand('help [command...]', 'show the help of agentry or of a command (agentry help runs show)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      outputError: (text, write) => write(context.stderrStyle.red(text)),
    })
    .addHelpText(
      'after',
      `${examples([
        ['agentry init my-agent', 'scaffold a project'],
        ['agentry validate', 'check agentry.yaml'],
        ['agentry run assistant "List the files"', 'run an agent'],
      ])}\nExit codes: 0 ok, 1 failed or cancelled, 2 usage or config error, 3 suspended (awaiting a decision).\n`,
    );
  registerRun(program, context, exit);
  registerChat(program, context, exit);
  registerResume(program, context, exit);
  registerSend(program, context, exit);
  registerStopRun(program, context, exit);
  registerRuns(program, context, exit);
  registerEvents(program, context, exit);
  registerWorker(program, context, exit);
  registerServe(program, context, exit);
  registerPublish(program, context, exit);
  registerTriggers(program, context, exit);
  registerDev(program, context, exit);
  registerValidate(program, context, exit);
  registerConfig(program, context, exit);
  registerPlugins(program, context, exit);
  registerTools(program, context, exit);
  registerSchema(program, context, exit);
  registerDoctor(program, context, exit);
  registerMcp(program, context, exit);
  registerInit(program, context, exit);
  registerNew(program, context, exit);
  registerCompletion(program, context, exit);
  return program;
}
