/** What every command gets: io, styles, redaction, and the rules for where output goes. */
import type { Redactor } from '@agentry/core';
import { createRedactor } from './core-api.js';
import type { CliIo } from './io.js';
import { errorToJson, exitCodeFor, formatError } from './render/errors.js';
import { colorEnabled, createStyle, type Style } from './render/style.js';

const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/** Shared state of one `runCli` call. */
export class CliContext {
  readonly io: CliIo;
  readonly redactor: Redactor;
  /** Style for stdout and stderr (colour only on a TTY without NO_COLOR). */
  readonly stdoutStyle: Style;
  readonly stderrStyle: Style;
  /** Set by `--verbose` before any command runs. */
  verbose = false;
  /** Set by `--quiet`: no progress lines, no summary of a completed run. */
  quiet = false;
  /** Set by commands that print one JSON document. */
  json = false;
  /** Fields merged into the `{ error }` document of a failed `--json` command (e.g. `valid: false`). */
  errorJsonFields: Record<string, unknown> = {};
  /** Whether a JSON document went to stdout already. */
  private jsonWritten = false;

  constructor(io: CliIo) {
    this.io = io;
    this.redactor = createRedactor();
    for (const [name, value] of Object.entries(io.env)) {
      if (value !== undefined && value.length >= 8 && SECRET_ENV_NAME.test(name))
        this.redactor.addSecret(value);
    }
    this.stdoutStyle = createStyle(colorEnabled(io.stdout, io.env));
    this.stderrStyle = createStyle(colorEnabled(io.stderr, io.env));
  }

  /** The style of the stream human output goes to. */
  get style(): Style {
    return this.json ? this.stderrStyle : this.stdoutStyle;
  }

  /** Human output: stdout, or stderr when the command prints JSON. Redacted. */
  human(text: string): void {
    const stream = this.json ? this.io.stderr : this.io.stdout;
    stream.write(this.redactor.redactText(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** Progress and notes: always stderr. Redacted. */
  note(text: string): void {
    this.io.stderr.write(this.redactor.redactText(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** The one JSON document of a `--json` command; registered secret values are redacted from the text. */
  printJson(value: unknown): void {
    if (this.jsonWritten) throw new Error('A --json command printed two JSON documents');
    this.jsonWritten = true;
    this.io.stdout.write(`${this.redactor.redactText(JSON.stringify(value, null, 2))}\n`);
  }

  /** Writes one NDJSON line (for streaming commands like `events --follow --json`). */
  printJsonLine(value: unknown): void {
    this.jsonWritten = true;
    this.io.stdout.write(`${this.redactor.redactText(JSON.stringify(value))}\n`);
  }

  /** Reports an error: a block on stderr, and `{ error }` on stdout in JSON mode. Returns the exit code. */
  reportError(error: unknown): number {
    this.io.stderr.write(
      formatError(error, {
        style: this.stderrStyle,
        cwd: this.io.cwd,
        verbose: this.verbose,
        redactor: this.redactor,
      }),
    );
    if (this.json && !this.jsonWritten)
      this.printJson({ ...this.errorJsonFields, error: errorToJson(error, this.io.cwd) });
    return exitCodeFor(error);
  }
}
