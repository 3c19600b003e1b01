/** Entry of the `agentry` binary: `runCli(argv, io)` runs one invocation in-process and resolves with its exit code. */
import process from 'node:process';
import { CommanderError } from 'commander';
import type { ExitSlot } from './command-kit.js';
import { CliContext } from './context.js';
import { type CliIo, completeIo } from './io.js';
import { createProgram, expandHelp } from './program.js';
import { EXIT } from './render/errors.js';

export type { CliIo, CliReader, CliWriter } from './io.js';
export { EXIT } from './render/errors.js';

/**
 * Runs `agentry` with `argv` (without the node and script paths) and resolves with the exit code:
 * 0 ok, 1 failed or cancelled, 2 usage or config error, 3 suspended. Missing parts of `io` come from
 * the real process.
 *
 * @example
 * ```ts
 * const code = await runCli(['validate', '--config', 'agentry.yaml'], { stdout, stderr });
 * ```
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const complete = completeIo(io);
  const noColor = argv.includes('--no-color');
  const context = new CliContext(
    noColor ? { ...complete, env: { ...complete.env, NO_COLOR: '1' } } : complete,
  );
  context.verbose = argv.includes('--verbose');
  const exit: ExitSlot = { code: EXIT.ok };
  const program = createProgram(context, exit);
  try {
    await program.parseAsync([...expandHelp(program, argv)], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    return context.reportError(error);
  }
}

/**
 * Ends the process quietly (exit 0, no stack) when the reader of `stream` went away, as in
 * `agentry runs | head -1`; any other stream error still surfaces.
 */
export function exitOnBrokenPipe(stream: NodeJS.WritableStream, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(EXIT.ok);
  });
}

/** Runs the CLI on the real process and sets `process.exitCode`. */
export async function main(): Promise<void> {
  const exit = (code: number) => process.exit(code);
  exitOnBrokenPipe(process.stdout, exit);
  exitOnBrokenPipe(process.stderr, exit);
  process.exitCode = await runCli(process.argv.slice(2));
}
