/** The streams, environment and signals a CLI invocation uses, so commands run in-process in tests. */
import process from 'node:process';

/** Something text can be written to (a stream, or a collector in tests). */
export interface CliWriter {
  write(chunk: string): unknown;
  /** True when the writer is an interactive terminal. */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** A readable input (stdin, or a stream built in tests). */
export type CliReader = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** Everything one `runCli` call touches outside itself. */
export interface CliIo {
  stdout: CliWriter;
  stderr: CliWriter;
  stdin: CliReader;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * Registers a handler of Ctrl-C (SIGINT) and SIGTERM for the duration of a run; returns a function that
   * removes it. Defaults to `process.on('SIGINT' | 'SIGTERM')`.
   */
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void;
  /** Ends the process at once (a second Ctrl-C). */
  exit(code: number): void;
}

/** The signals the CLI handles: Ctrl-C, and what Docker, systemd and Kubernetes send to stop a process. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The real process's streams, environment and signals. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    exit(code) {
      process.exit(code);
    },
  };
}

/** Fills the parts of `partial` that are missing from the real process. */
export function completeIo(partial: Partial<CliIo> = {}): CliIo {
  return { ...processIo(), ...partial };
}
