/** `shell` tool: runs an allowlisted command with an argument list (`execFile`, no shell), confined to a root. */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { definePlugin, type JsonObject, type ToolContext, ToolError } from '@agentry/core';
import { z } from 'zod';
import { ConfiguredTool, createInRoot } from './configured-tool.js';
import { confinePath } from './path-guard.js';
import { abortedError, commonToolConfig } from './tool-support.js';

const configSchema = z.object({
  ...commonToolConfig,
  root: z
    .string()
    .min(1)
    .describe('Working directory root: commands run here or below; relative to the config file.'),
  allowCommands: z
    .array(z.string().min(1))
    .min(1)
    .describe('Commands the model may run, as bare names looked up on PATH ("git", "ls") or absolute paths.'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('A command still running after this is killed.'),
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024)
    .describe('stdout and stderr are each cut at this many bytes (the command is then stopped).'),
  env: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra environment variables. Only PATH, HOME, LANG and these reach the command.'),
});

/** Config of `shell`. */
export type ShellToolConfig = z.output<typeof configSchema>;

const inputSchema = z.object({
  command: z.string().min(1).describe('The program to run (one of the allowed commands); no shell syntax.'),
  args: z
    .array(z.string())
    .max(1000)
    .default([])
    .describe('Arguments, one per item; passed verbatim (no globbing, quoting, pipes or variables).'),
  cwd: z.string().default('.').describe('Working directory relative to the workspace root.'),
});

/** Arguments of `shell`. */
export type ShellInput = z.output<typeof inputSchema>;

interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  truncated: boolean;
  timedOut: boolean;
}

/** Runs allowlisted programs without a shell; unsafe, asks for approval by default. */
export class ShellTool extends ConfiguredTool<ShellInput, JsonObject> {
  static readonly plugin = definePlugin({
    kind: 'tool',
    name: 'shell',
    description: 'Runs allowlisted commands with an argument list (no shell), confined to a root directory',
    configSchema,
    create: createInRoot('shell', (config: ShellToolConfig, root) => new ShellTool(config, root)),
  });

  readonly input = inputSchema;
  readonly sideEffects = 'unsafe' as const;

  /** @param root real path of the root directory */
  constructor(
    private readonly config: ShellToolConfig,
    private readonly root: string,
  ) {
    super(config, {
      name: 'shell',
      description: `Runs a program with arguments (no shell: no pipes, globs or variables) and returns exit code, stdout and stderr. Allowed programs: ${config.allowCommands.join(', ')}.`,
      approval: 'always',
    });
  }

  async execute(input: ShellInput, context: ToolContext): Promise<JsonObject> {
    this.throwIfAborted(context.signal);
    if (!this.config.allowCommands.includes(input.command)) {
      throw new ToolError('tool.policy_denied', {
        message: `${this.name}: command "${input.command}" is not allowed`,
        hint: `Use one of: ${this.config.allowCommands.join(', ')} (shell syntax such as pipes or "&&" is not supported).`,
        context: { tool: this.name },
      });
    }
    if (input.args.some((argument) => argument.includes('\0'))) {
      throw new ToolError('tool.policy_denied', {
        message: `${this.name}: an argument contains a NUL byte`,
        hint: 'Remove NUL bytes from the arguments.',
        context: { tool: this.name },
      });
    }
    const cwd = await confinePath(this.root, input.cwd, this.name);
    if (!cwd.exists || !(await stat(cwd.absolute)).isDirectory()) {
      throw new ToolError('tool.failed', {
        message: `${this.name}: cwd "${cwd.relative}" is not an existing directory`,
        hint: 'Pass a directory inside the workspace (default ".").',
        context: { tool: this.name },
      });
    }
    const result = await this.run(input, cwd.absolute, context.signal);
    if (context.signal.aborted) throw abortedError(context.signal, this.name);
    if (result.timedOut) {
      throw new ToolError('tool.timeout', {
        message: `${this.name}: "${input.command}" ran longer than ${this.config.timeoutMs} ms and was killed`,
        hint: 'Run something quicker, or ask for a longer timeout.',
        context: { tool: this.name },
      });
    }
    return { command: input.command, args: input.args, cwd: cwd.relative, ...result };
  }

  private run(input: ShellInput, cwd: string, signal: AbortSignal): Promise<ExecResult> {
    const env: Record<string, string> = {};
    for (const name of ['PATH', 'HOME', 'LANG']) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, this.config.env);
    return new Promise((resolve, reject) => {
      execFile(
        input.command,
        input.args,
        {
          cwd,
          env,
          shell: false,
          signal,
          timeout: this.config.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: this.config.maxOutputBytes,
          encoding: 'utf8',
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          if (!error) {
            resolve({ stdout, stderr, exitCode: 0, signal: null, truncated: false, timedOut: false });
            return;
          }
          const failure = error as NodeJS.ErrnoException & {
            code?: string | number;
            killed?: boolean;
            signal?: string;
          };
          if (failure.code === 'ENOENT' || failure.code === 'EACCES') {
            reject(
              new ToolError('tool.failed', {
                message: `${this.name}: "${input.command}" could not be started (${failure.code})`,
                hint: 'The program is not installed or not executable on this machine.',
                context: { tool: this.name },
              }),
            );
            return;
          }
          const truncated = failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
          resolve({
            stdout: String(stdout).slice(0, this.config.maxOutputBytes),
            stderr: String(stderr).slice(0, this.config.maxOutputBytes),
            exitCode: typeof failure.code === 'number' ? failure.code : null,
            signal: failure.signal ?? null,
            truncated,
            timedOut:
              Boolean(failure.killed) && !truncated && !signal.aborted && failure.signal === 'SIGKILL',
          });
        },
      );
    });
  }
}
