/** Small helpers every command file uses: examples in help, and wrapping actions into exit codes. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Help text listing examples, appended after a command's help. */
export function examples(lines: readonly (readonly [command: string, what: string])[]): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  return `\nExamples:\n${lines.map(([command, what]) => `  $ ${command.padEnd(width)}  # ${what}`).join('\n')}\n`;
}

/** Adds an examples block to `command`'s help. */
export function withExamples(command: Command, lines: readonly (readonly [string, string])[]): Command {
  return command.addHelpText('after', examples(lines));
}

/** Holds the exit code the last action produced. */
export interface ExitSlot {
  code: number;
}

/**
 * Wraps a command action: sets JSON mode from `--json`, runs it, and turns a thrown error into
 * its report and exit code. The action resolves with its exit code.
 */
export function action<A extends unknown[]>(
  context: CliContext,
  exit: ExitSlot,
  handler: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    // With globals: `--verbose` belongs to the program, and `runs --json show <id>` gives `--json` to `runs`.
    const globals = command.optsWithGlobals<{ verbose?: boolean; quiet?: boolean; json?: boolean }>();
    context.json = globals.json === true;
    context.verbose = globals.verbose === true;
    context.quiet = globals.quiet === true;
    try {
      exit.code = await handler(...args);
    } catch (error) {
      exit.code = context.reportError(error);
    }
  };
}
