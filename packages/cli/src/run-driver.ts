/** Drives one run or resume to its end: live progress, Ctrl-C, inline approvals, and the final summary. */
import type { PendingCall, RunRecord, RunRequest, RunResult, Runtime } from '@agentry/core';
import { LineReader, promptDecisions } from './approval-prompt.js';
import type { CliContext } from './context.js';
import type { LoadedConfig } from './core-api.js';
import type { InterruptSignal } from './io.js';
import { EXIT } from './render/errors.js';
import { formatUsage, shellQuote, shortJson } from './render/format.js';
import { ProgressView } from './render/progress.js';
import { checkToolInput } from './tool-input-check.js';

/** Exit code of a signal, as shells report a process it ended: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: InterruptSignal): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * Exit code of a finished run: 0 completed, 3 suspended, 1 failed or cancelled; an interrupted run exits
 * like the signal that interrupted it (130 SIGINT, 143 SIGTERM).
 */
export function exitCodeOfRun(result: Pick<RunResult, 'status'>, signal: InterruptSignal = 'SIGINT'): number {
  if (result.status === 'completed') return EXIT.ok;
  if (result.status === 'suspended') return EXIT.suspended;
  if (result.status === 'interrupted') return signalExitCode(signal);
  return EXIT.failed;
}

/**
 * How printed commands invoke the CLI: `npx agentry` runs the project's own `agentry` binary from
 * `node_modules/.bin` and passes every argument on (`--help` and `--version` included). Not `npx --no agentry`:
 * npx reads `agentry` as the value of `--no` and answers `--help`/`--version` itself.
 */
export const AGENTRY_COMMAND = 'npx agentry';

/** The `npx agentry resume <run>` command (with the user's `--config`), runnable as printed. */
export function resumeCommand(runId: string, configArg?: string): string {
  return `${AGENTRY_COMMAND} resume ${shellQuote(runId)}${configArg === undefined ? '' : ` --config ${shellQuote(configArg)}`}`;
}

/** The `npx agentry resume …` commands that settle each pending call, runnable as printed. */
export function resumeCommands(runId: string, pending: readonly PendingCall[], configArg?: string): string[] {
  const base = resumeCommand(runId, configArg);
  return pending.flatMap((call) =>
    call.reason === 'approval'
      ? [
          `${base} --approve ${shellQuote(call.callId)}`,
          `${base} --deny ${shellQuote(call.callId)} --reason '…'`,
        ]
      : [
          `${base} --retry ${shellQuote(call.callId)}`,
          `${base} --skip ${shellQuote(call.callId)} --result '<json>'`,
          `${base} --fail ${shellQuote(call.callId)}`,
        ],
  );
}

/** Why a suspended run cannot be continued by a later `agentry resume` (another process). */
export type ResumeBlocker = 'not_durable' | 'memory_store';

/** What stops a later `agentry resume` of a run, or `undefined` when it can be resumed from another process. */
export function resumeBlocker(durable: boolean, persistentStore: boolean): ResumeBlocker | undefined {
  if (!persistentStore) return 'memory_store';
  return durable ? undefined : 'not_durable';
}

/** What to tell the user instead of resume commands that would fail. */
export function resumeBlockerNote(blocker: ResumeBlocker): string {
  return blocker === 'memory_store'
    ? 'This run lives in the in-memory store and ends with this process, so it cannot be resumed later. To resume runs later, configure a persistent store (e.g. `store: sqlite`) and start them with --durable (or set `durable: true` on the agent).'
    : 'This run is not durable, so it cannot be resumed once this process ends. To resume runs later (from another process), start them with --durable (or set `durable: true` on the agent).';
}

/** How `printResult` tells the user to continue a suspended run. */
export interface PrintResultOptions {
  /** The `--config` the user gave, repeated in printed resume commands. */
  configArg?: string;
  /** Set when the run cannot be resumed from another process: no resume commands are printed. */
  blocker?: ResumeBlocker;
}

/**
 * Whether the model's text streams to the terminal as it is generated: stderr is a TTY, no `--json` and no
 * `--quiet`. Otherwise the progress shows each response's text as plain lines once it is complete.
 */
export function streamsText(context: CliContext): boolean {
  return context.io.stderr.isTTY === true && !context.json && !context.quiet;
}

/** The result of a run that has ended, from its stored record. */
export function resultOfRecord(record: RunRecord): RunResult {
  if (record.status === 'running' || record.status === 'queued') {
    throw new Error(`Run ${record.runId} has not ended`);
  }
  return {
    runId: record.runId,
    sessionId: record.sessionId,
    agentId: record.agentId,
    status: record.status,
    stopReason: record.stopReason ?? (record.status === 'completed' ? 'completed' : 'error'),
    output: record.output ?? '',
    usage: record.usage,
    pending: record.pending,
    ...(record.error === undefined ? {} : { error: record.error }),
  };
}

/**
 * Runs like `runtime.run`, but through `runtime.stream`, so the model streams and `model.delta` events
 * reach the event bus (where the progress view shows them). Resolves with the stream's result.
 */
export async function runStreamed(runtime: Runtime, request: RunRequest): Promise<RunResult> {
  const run = runtime.stream(request);
  // Read (and dropped) as they come, so a long run does not keep its events queued.
  for await (const _event of run);
  return run.result;
}

/**
 * Whether `run`/`resume` may prompt for approvals: the user did not pass `--no-interactive` (`requested`)
 * or `--json`, and both stdin and stderr are terminals.
 */
export function canPrompt(context: CliContext, requested: boolean): boolean {
  return requested && !context.json && context.io.stdin.isTTY === true && context.io.stderr.isTTY === true;
}

/** Options of `driveRun`. */
export interface DriveRunOptions {
  context: CliContext;
  runtime: Runtime;
  /** Ask for decisions inline when the run suspends. */
  interactive: boolean;
  /** The `--config` the user gave, repeated in printed resume commands. */
  configArg?: string;
  /** False when the store ends with the process (the in-memory store); default true. */
  persistentStore?: boolean;
  /** The loaded config: edited input typed at a prompt is checked against the tool's schema. */
  loaded?: LoadedConfig;
  /** A run id to follow from the start (resume). */
  runId?: string;
  /** Where answers to approval prompts are read (default: a reader over stdin, closed at the end). */
  reader?: LineReader;
  /** Starts the run (or resume) with the signal Ctrl-C aborts. */
  start(signal: AbortSignal): Promise<RunResult>;
}

/** Runs to the end and prints the result; resolves with the exit code. */
export async function driveRun(options: DriveRunOptions): Promise<number> {
  const { context, runtime } = options;
  const { io } = context;
  const progress = new ProgressView({
    writer: io.stderr,
    style: context.stderrStyle,
    live: io.stderr.isTTY === true && context.stderrStyle.enabled && !context.quiet,
    modelText: streamsText(context) ? 'stream' : 'lines',
    checkpoints: context.verbose,
    redact: (text) => context.redactor.redactText(text),
  });
  if (options.runId !== undefined) progress.follow(options.runId);
  // `--quiet`: no progress lines at all; the output, problems and how to continue are still printed.
  const unsubscribe = context.quiet ? () => {} : runtime.events.onAny((event) => progress.handle(event));
  const controller = new AbortController();
  let reader: LineReader | undefined = options.reader;
  // The top-level run this command drives (child runs of its tool calls carry a parentRunId).
  let activeRunId: string | undefined = options.runId;
  // Whether a signal interrupts it (resumable) or cancels it: only durable runs in a persistent store resume.
  let resumable = options.runId !== undefined && options.persistentStore !== false;
  const unsubscribeRun = runtime.events.onAny((event) => {
    if (event.type !== 'run.started' || event.data.parentRunId !== undefined || activeRunId !== undefined)
      return;
    activeRunId = event.runId;
    resumable = event.data.durable && options.persistentStore !== false;
  });
  let interrupts = 0;
  let firstSignal: InterruptSignal = 'SIGINT';
  const removeInterrupt = io.onInterrupt((signal = 'SIGINT') => {
    interrupts += 1;
    if (interrupts > 1) {
      progress.stop();
      io.exit(signalExitCode(signal));
      return;
    }
    firstSignal = signal;
    if (options.reader === undefined) reader?.close();
    else reader?.interrupt();
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (activeRunId === undefined) {
      controller.abort(new Error(`Cancelled with ${name}`));
      progress.line(context.stderrStyle.yellow(`Cancelling… (${name} again exits at once)`));
      return;
    }
    // A durable run stops at its next safe point and stays resumable; any other run is cancelled.
    void runtime.interrupt(activeRunId, `Interrupted by ${signal}`);
    progress.line(
      context.stderrStyle.yellow(
        resumable
          ? `Interrupting at the next safe point; the run stays resumable… (${name} again exits at once)`
          : `Cancelling… (${name} again exits at once)`,
      ),
    );
  });
  try {
    progress.start();
    let result = await options.start(controller.signal);
    while (
      result.status === 'suspended' &&
      options.interactive &&
      result.pending.length > 0 &&
      interrupts === 0
    ) {
      progress.stop();
      reader ??= new LineReader(io.stdin);
      const { loaded } = options;
      const agentId = result.agentId;
      const decisions = await promptDecisions(
        {
          reader,
          writer: io.stderr,
          style: context.stderrStyle,
          ...(loaded === undefined
            ? {}
            : {
                checkInput: async (call, input) => {
                  const check = await checkToolInput(loaded, agentId, call.tool, input);
                  return check.status === 'invalid' ? check.issues : undefined;
                },
              }),
        },
        result.pending,
      );
      if (decisions === undefined || interrupts > 0) break;
      progress.start();
      result = await runtime.resume(result.runId, { decisions, signal: controller.signal });
    }
    progress.stop();
    let blocker: ResumeBlocker | undefined;
    if (result.status === 'suspended') {
      const record = await runtime.runs.get(result.runId);
      blocker = resumeBlocker(record?.durable === true, options.persistentStore !== false);
    }
    printResult(context, result, {
      ...(options.configArg === undefined ? {} : { configArg: options.configArg }),
      ...(blocker === undefined ? {} : { blocker }),
    });
    return exitCodeOfRun(result, firstSignal);
  } finally {
    progress.stop();
    if (options.reader === undefined) reader?.close();
    removeInterrupt();
    unsubscribeRun();
    unsubscribe();
  }
}

/** Prints the output (stdout), the summary (stderr) and, when suspended, how to resume. */
export function printResult(context: CliContext, result: RunResult, options: PrintResultOptions = {}): void {
  const suspended = result.status === 'suspended';
  const blocker = suspended ? options.blocker : undefined;
  const commands =
    suspended && blocker === undefined ? resumeCommands(result.runId, result.pending, options.configArg) : [];
  if (context.json) {
    context.printJson({
      ...result,
      ...(suspended ? { resumable: blocker === undefined } : {}),
      ...(commands.length > 0 ? { resumeCommands: commands } : {}),
      ...(result.status === 'interrupted'
        ? { resumeCommands: [resumeCommand(result.runId, options.configArg)] }
        : {}),
      ...(blocker === undefined ? {} : { resumeHint: resumeBlockerNote(blocker) }),
    });
  } else if (result.output !== '') {
    context.human(result.output);
  }
  const style = context.stderrStyle;
  if (context.quiet && result.status === 'completed') return;
  const mark =
    result.status === 'completed'
      ? style.symbols.ok
      : result.status === 'suspended' || result.status === 'interrupted'
        ? style.symbols.pause
        : style.symbols.fail;
  context.note(
    `${mark} ${style.bold(result.status)} · stop: ${result.stopReason} · ${formatUsage(result.usage)}\n  ${style.dim(`run ${result.runId} · session ${result.sessionId} · agent ${result.agentId}`)}`,
  );
  if (result.error !== undefined) {
    context.note(
      `  ${style.red(result.error.message)} ${style.dim(`[${result.error.code}]`)}${result.error.hint === undefined ? '' : `\n  ${style.yellow('hint:')} ${result.error.hint}`}`,
    );
  }
  if (result.status === 'interrupted') {
    context.note(
      `Stopped at a safe point with its checkpoint written. To continue, run:\n  ${resumeCommand(result.runId, options.configArg)}`,
    );
  }
  if (suspended && result.pending.length > 0) {
    const lines = result.pending.map(
      (call) =>
        `  ${style.bold(call.tool)} ${style.dim(call.callId)} ${shortJson(call.input, 120)} (${call.reason === 'approval' ? 'needs approval' : 'outcome unknown'})`,
    );
    const next =
      blocker === undefined
        ? `To continue, run one of:\n${commands.map((command) => `  ${command}`).join('\n')}`
        : style.yellow(resumeBlockerNote(blocker));
    context.note(`Waiting on ${result.pending.length} call(s):\n${lines.join('\n')}\n${next}`);
  }
}
