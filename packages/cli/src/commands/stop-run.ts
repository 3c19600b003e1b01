/**
 * `agentry interrupt <runId>` and `agentry cancel <runId>`: stop a run that a worker, a server or another
 * terminal drives. The request goes into the run's inbox; the driving process stops the run at its next
 * step boundary (an interrupted durable run can be resumed anywhere, a cancelled one is over).
 */
import type { RunRecord, Runtime } from '@agentry/core';
import { RunError } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { requireRun } from './runs.js';

/** Options of `agentry interrupt` / `agentry cancel`. */
export interface StopRunOptions {
  config?: string;
  reason?: string;
  wait?: boolean;
  timeout?: string;
  json?: boolean;
}

type StopKind = 'interrupt' | 'cancel';

const STOPPABLE: Record<StopKind, ReadonlySet<RunRecord['status']>> = {
  interrupt: new Set(['running']),
  cancel: new Set(['running', 'queued']),
};
const POLL_MS = 250;

export function registerStopRun(program: Command, context: CliContext, exit: ExitSlot): void {
  register(program, context, exit, 'interrupt', {
    description:
      'Stop a running run at its next step boundary: a durable run ends interrupted and can be resumed anywhere',
    examples: [
      ['agentry interrupt run_123', 'stop a run a worker drives; `agentry resume run_123` continues it'],
      ['agentry interrupt run_123 --wait', 'and wait until it has stopped'],
    ],
  });
  register(program, context, exit, 'cancel', {
    description:
      'Cancel a running or queued run for good, at its next step boundary (a queued one when it starts)',
    examples: [
      ['agentry cancel run_123 --reason "wrong input"', 'stop a run for good, with a reason in its record'],
      ['agentry cancel run_123 --wait --json', 'wait until it has stopped and print its record'],
    ],
  });
}

function register(
  program: Command,
  context: CliContext,
  exit: ExitSlot,
  kind: StopKind,
  help: { description: string; examples: [string, string][] },
): void {
  const command = program
    .command(kind)
    .description(help.description)
    .argument('<runId>', `the run to ${kind} (${[...STOPPABLE[kind]].join(' or ')})`)
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--reason <text>', 'why: kept in the run record and its events')
    .option('--wait', 'wait until the run has stopped, then print its status')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds', '120')
    .option('--json', 'print the run record as one JSON document')
    .action(
      action(context, exit, async (runId: string, options: StopRunOptions) =>
        withRuntime(context, options.config, async ({ runtime }) => {
          const timeoutMs = secondsOption(options.timeout);
          const before = await stoppableRun(runtime, runId, kind);
          const reason =
            options.reason ?? `${kind === 'cancel' ? 'Cancelled' : 'Interrupted'} with agentry ${kind}`;
          await (kind === 'cancel' ? runtime.cancel(runId, reason) : runtime.interrupt(runId, reason));
          const after = options.wait ? await stopped(runtime, runId, before, timeoutMs) : before;
          if (context.json) {
            context.printJson(after);
          } else if (!options.wait) {
            context.human(
              `${kind === 'cancel' ? 'Cancel' : 'Interrupt'} requested for run ${runId}: it stops at its next step boundary (\`agentry runs show ${runId}\`).`,
            );
          } else {
            context.human(`Run ${runId} is ${after.status}.${resumeHint(after)}`);
          }
          return EXIT.ok;
        }),
      ),
    );
  withExamples(command, help.examples);
}

/** The run's record when it can be stopped; otherwise a clear error (unknown run, or one in another state). */
async function stoppableRun(runtime: Runtime, runId: string, kind: StopKind): Promise<RunRecord> {
  const record = await requireRun(runtime.runs, runId);
  if (!STOPPABLE[kind].has(record.status)) {
    throw new UsageError(
      `Run ${runId} is ${record.status}; only a ${[...STOPPABLE[kind]].join(' or ')} run can be ${kind === 'cancel' ? 'cancelled' : 'interrupted'}.`,
      record.status === 'suspended'
        ? `A suspended run waits for decisions: \`agentry resume ${runId} --deny all\` ends it.`
        : undefined,
    );
  }
  return record;
}

/** Polls the record until the run has left the status it had (or the timeout passes: exit 1). */
async function stopped(
  runtime: Runtime,
  runId: string,
  before: RunRecord,
  timeoutMs: number,
): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = (await runtime.runs.get(runId)) ?? before;
    if (record.status !== 'running' && record.status !== 'queued') return record;
    if (Date.now() >= deadline) {
      throw new RunError('run.busy', {
        message: `Run ${runId} is still ${record.status} after ${timeoutMs / 1000}s; the request stays in its inbox`,
        hint: "Its process acts on it at the run's next step boundary (a long tool call delays it); check `agentry runs show <id>`.",
        context: { runId },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function resumeHint(record: RunRecord): string {
  return record.status === 'interrupted' ? ` Continue it with \`agentry resume ${record.runId}\`.` : '';
}

function secondsOption(value: string | undefined): number {
  const seconds = Number(value ?? '120');
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${value}".`);
  }
  return seconds * 1000;
}
