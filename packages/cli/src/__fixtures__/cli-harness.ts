/** Runs the CLI in-process or as a child process and captures what it prints. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo, CliWriter } from '../io.js';
import { runCli } from '../main.js';

/** The package directory (packages/cli). */
export const CLI_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The repository root. */
export const REPO_DIR = path.resolve(CLI_DIR, '../..');
/** The built binary. */
export const BIN = path.join(CLI_DIR, 'bin/agentry.js');
/**
 * Per-test timeout of tests that spawn the binary (each start of node is slow on a loaded machine).
 * A ceiling against hangs, not a timing assertion.
 */
export const SPAWN_TEST_TIMEOUT_MS = 90_000;

/** A writer that keeps everything written. */
export class Collector implements CliWriter {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 200,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** What one in-process invocation printed and returned. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of `cli`. */
export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Text on stdin (ends the stream), or undefined for a TTY stdin with nothing typed. */
  stdin?: string;
  /** Pretend stdout/stderr/stdin are a terminal (colour stays off unless FORCE_COLOR is set). */
  tty?: boolean;
  /** Extra io overrides. */
  io?: Partial<CliIo>;
}

/** Runs `agentry <argv>` in-process. */
export async function cli(argv: string[], options: CliOptions = {}): Promise<CliOutcome> {
  const stdout = new Collector(options.tty === true);
  const stderr = new Collector(options.tty === true);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stdin === undefined || options.tty === true) stdin.isTTY = true;
  if (options.stdin !== undefined) stdin.end(options.stdin);
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin,
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH, ...(options.tty === true ? { NO_COLOR: '1' } : {}), ...options.env },
    onInterrupt: () => () => {},
    exit: (exitCode) => {
      throw new Error(`exit(${exitCode}) called`);
    },
    ...options.io,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the built binary as a child process. */
export function spawnCli(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    stdin?: string;
    /** Close the reading end of stdout before the child writes (like `agentry … | head -1`). */
    closeStdout?: boolean;
  } = {},
): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? CLI_DIR,
      env: { PATH: process.env.PATH, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout === true) child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
    }
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * A scratch directory with the given files. Inside the repository (so `@agentry/*` and `zod` resolve
 * from its node_modules) under packages/cli/.scratch; `remove()` deletes it.
 */
export function scratchDir(
  files: Record<string, string> = {},
  options: { inRepo?: boolean } = {},
): {
  dir: string;
  remove(): void;
} {
  const parent = options.inRepo === false ? tmpdir() : path.join(CLI_DIR, '.scratch');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'agentry-cli-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The files of `examples/quickstart` that belong to the example. Tests copy exactly these, so what a
 * demo run left in the repository (`workspace/summary.md`, `.agentry/agentry.db`) never reaches a test.
 */
export const QUICKSTART_FILES: readonly string[] = [
  'agentry.yaml',
  'demo.script.yaml',
  'README.md',
  'workspace/notes.md',
];

/** Copies the listed `files` of `source` into `target` (nothing else: no store, no run outputs). */
export function copyFiles(source: string, target: string, files: readonly string[]): void {
  for (const file of files) {
    const destination = path.join(target, file);
    mkdirSync(path.dirname(destination), { recursive: true });
    copyFileSync(path.join(source, file), destination);
  }
}

/**
 * A pristine copy of `examples/quickstart` in a scratch directory inside the repository; `remove()`
 * deletes it. Immune to leftover state in the example directory (see `QUICKSTART_FILES`).
 */
export function quickstartCopy(source = path.join(REPO_DIR, 'examples/quickstart')): {
  dir: string;
  remove(): void;
} {
  const scratch = scratchDir();
  copyFiles(source, scratch.dir, QUICKSTART_FILES);
  return scratch;
}
