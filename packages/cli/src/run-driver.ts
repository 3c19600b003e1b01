/** Drives one run or resume to its end: live progress, Ctrl-C, inline approvals, and the final summary. */
import type { PendingCall, RunResult, Runtime } from '@agentry/core';
import { LineReader, promptDecisions } from './approval-prompt.js';
import type { CliContext } from './context.js';
import { EXIT } from './render/errors.js';
import { formatUsage, shellQuote, shortJson } from './render/format.js';
import { ProgressView } from './render/progress.js';

/** Exit code of a finished run: 0 completed, 3 suspended, 1 failed or cancelled. */
export function exitCodeOfRun(result: Pick<RunResult, 'status'>): number {
  if (result.status === 'completed') return EXIT.ok;
  if (result.status === 'suspended') return EXIT.suspended;
  return EXIT.failed;
}

/** The `agentry resume …` commands that settle each pending call. */
export function resumeCommands(runId: string, pending: readonly PendingCall[], configArg?: string): string[] {
  const base = `agentry resume ${shellQuote(runId)}${configArg === undefined ? '' : ` --config ${shellQuote(configArg)}`}`;
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

/** Options of `driveRun`. */
export interface DriveRunOptions {
  context: CliContext;
  runtime: Runtime;
  /** Ask for decisions inline when the run suspends. */
  interactive: boolean;
  /** The `--config` the user gave, repeated in printed resume commands. */
  configArg?: string;
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
    live: io.stderr.isTTY === true && context.stderrStyle.enabled,
    redact: (text) => context.redactor.redactText(text),
  });
  if (options.runId !== undefined) progress.follow(options.runId);
  const unsubscribe = runtime.events.onAny((event) => progress.handle(event));
  const controller = new AbortController();
  let reader: LineReader | undefined = options.reader;
  let interrupts = 0;
  const removeInterrupt = io.onInterrupt(() => {
    interrupts += 1;
    if (interrupts > 1) {
      progress.stop();
      io.exit(130);
      return;
    }
    controller.abort(new Error('Cancelled with Ctrl-C'));
    if (options.reader === undefined) reader?.close();
    else reader?.interrupt();
    progress.line(context.stderrStyle.yellow('Cancelling… (press Ctrl-C again to exit at once)'));
  });
  try {
    progress.start();
    let result = await options.start(controller.signal);
    while (
      result.status === 'suspended' &&
      options.interactive &&
      result.pending.length > 0 &&
      !controller.signal.aborted
    ) {
      progress.stop();
      reader ??= new LineReader(io.stdin);
      const decisions = await promptDecisions(
        { reader, writer: io.stderr, style: context.stderrStyle },
        result.pending,
      );
      if (decisions === undefined || controller.signal.aborted) break;
      progress.start();
      result = await runtime.resume(result.runId, { decisions, signal: controller.signal });
    }
    progress.stop();
    printResult(context, result, options.configArg);
    return exitCodeOfRun(result);
  } finally {
    progress.stop();
    if (options.reader === undefined) reader?.close();
    removeInterrupt();
    unsubscribe();
  }
}

/** Prints the output (stdout), the summary (stderr) and, when suspended, how to resume. */
export function printResult(context: CliContext, result: RunResult, configArg?: string): void {
  const commands =
    result.status === 'suspended' ? resumeCommands(result.runId, result.pending, configArg) : [];
  if (context.json) {
    context.printJson({ ...result, ...(commands.length > 0 ? { resumeCommands: commands } : {}) });
  } else if (result.output !== '') {
    context.human(result.output);
  }
  const style = context.stderrStyle;
  const mark =
    result.status === 'completed'
      ? style.symbols.ok
      : result.status === 'suspended'
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
  if (commands.length > 0) {
    const lines = result.pending.map(
      (call) =>
        `  ${style.bold(call.tool)} ${style.dim(call.callId)} ${shortJson(call.input, 120)} (${call.reason === 'approval' ? 'needs approval' : 'outcome unknown'})`,
    );
    context.note(
      `Waiting on ${result.pending.length} call(s):\n${lines.join('\n')}\nTo continue, run one of:\n${commands.map((command) => `  ${command}`).join('\n')}`,
    );
  }
}
