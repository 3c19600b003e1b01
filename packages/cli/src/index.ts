/**
 * @agentry/cli: the `agentry` command. `runCli` runs one invocation in-process (tests, embedding);
 * the binary is `bin/agentry.js`.
 * @module
 */
export { type CliIo, type CliReader, type CliWriter, EXIT, main, runCli } from './main.js';
