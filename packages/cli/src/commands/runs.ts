/** `agentry runs` and `agentry runs show <runId>`: stored runs, their status, usage and pending calls. */
import { RunError, type RunRecord, type RunStatus } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { formatCost, formatUsage } from '../render/format.js';
import { formatSteps, runSteps } from '../render/run-steps.js';
import { didYouMean } from '../render/suggest.js';
import { renderPlainRows, renderTable } from '../render/table.js';
import { resumeBlocker, resumeBlockerNote, resumeCommands } from '../run-driver.js';

const STATUSES: RunStatus[] = [
  'queued',
  'running',
  'completed',
  'suspended',
  'failed',
  'cancelled',
  'interrupted',
  'rejected',
];

function parseStatus(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  if ((STATUSES as string[]).includes(value)) return value as RunStatus;
  throw new UsageError(
    `Unknown status "${value}".${didYouMean(value, STATUSES)}`,
    `Statuses: ${STATUSES.join(', ')}.`,
  );
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a positive whole number, got "${value}".`);
  return limit;
}

/** Loads one run or throws `run.not_found`. */
export async function requireRun(
  runs: { get(runId: string): Promise<RunRecord | undefined> },
  runId: string,
): Promise<RunRecord> {
  const record = await runs.get(runId);
  if (record === undefined) {
    throw new RunError('run.not_found', {
      message: `No run "${runId}" in the store`,
      hint: 'List runs with `agentry runs`; check that --config points at the same store.',
      context: { runId },
    });
  }
  return record;
}

export function registerRuns(program: Command, context: CliContext, exit: ExitSlot): void {
  const runs = program
    .command('runs')
    .description('List stored runs, newest first')
    // Options after `show` belong to `show`: without this, `runs` takes `--json`/`--config` for itself.
    .enablePositionalOptions()
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('-s, --session <id>', 'only runs of this session')
    .option('--status <status>', `only runs with this status (${STATUSES.join(', ')})`)
    .option('--agent <name>', 'only runs of this agent')
    .option('-n, --limit <n>', 'at most this many runs', parseLimit, 50)
    .option('--json', 'print the run records as one JSON document')
    .action(
      action(
        context,
        exit,
        async (options: {
          config?: string;
          session?: string;
          status?: string;
          agent?: string;
          limit: number;
        }) => {
          const status = parseStatus(options.status);
          return withRuntime(context, options.config, async ({ runtime }) => {
            const records = await runtime.runs.list({
              limit: options.limit,
              ...(options.session === undefined ? {} : { sessionId: options.session }),
              ...(status === undefined ? {} : { status }),
              ...(options.agent === undefined ? {} : { agentId: options.agent }),
            });
            records.sort((left, right) => right.createdAt.localeCompare(left.createdAt));
            if (context.json) {
              context.printJson(records);
              return EXIT.ok;
            }
            if (records.length === 0) {
              context.note('No runs yet. Start one with `agentry run <agent> "<input>"`.');
              return EXIT.ok;
            }
            const rows = records.map((record) => [
              record.runId,
              record.agentId,
              record.status,
              record.stopReason ?? '',
              String(record.usage.totalTokens),
              formatCost(record.usage.costUsd),
              record.createdAt,
            ]);
            if (context.io.stdout.isTTY === true) {
              context.human(
                renderTable(['RUN', 'AGENT', 'STATUS', 'STOP', 'TOKENS', 'COST', 'CREATED'], rows, {
                  bold: context.style.bold,
                  width: context.io.stdout.columns,
                }),
              );
            } else {
              context.io.stdout.write(renderPlainRows(rows));
            }
            return EXIT.ok;
          });
        },
      ),
    );
  withExamples(runs, [
    ['agentry runs', 'recent runs'],
    ['agentry runs --status suspended', 'runs waiting on a decision'],
    ['agentry runs --session demo --json', 'one session, as JSON'],
    ['agentry runs show run_123', 'one run in detail'],
  ]);

  const show = runs
    .command('show')
    .description('Show one run: status, stop reason, usage, output, error and pending calls')
    .argument('<runId>', 'the run')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option(
      '--steps',
      'also show each step: model text, tool calls with input and output, decisions, tokens, cost, time',
    )
    .option('--json', 'print the run record as one JSON document, with its steps')
    .action(
      action(context, exit, async (runId: string, options: { config?: string; steps?: boolean }) =>
        withRuntime(
          context,
          options.config ?? runs.opts<{ config?: string }>().config,
          async ({ runtime, persistentStore, configArg }) => {
            const record = await requireRun(runtime.runs, runId);
            const blocker = resumeBlocker(record.durable, persistentStore);
            const commands =
              record.pending.length > 0 && blocker === undefined
                ? resumeCommands(record.runId, record.pending, configArg)
                : [];
            const steps =
              context.json || options.steps === true ? runSteps(await runtime.runs.events(runId)) : [];
            if (context.json) {
              context.printJson({
                ...record,
                ...(commands.length > 0 ? { resumeCommands: commands } : {}),
                steps,
              });
              return EXIT.ok;
            }
            const style = context.style;
            const lines = [
              `${style.bold(record.runId)}  ${record.status}${record.stopReason === undefined ? '' : ` (${record.stopReason})`}`,
              `  agent    ${record.agentId}`,
              `  session  ${record.sessionId}${record.parentRunId === undefined ? '' : `  parent ${record.parentRunId}`}`,
              `  durable  ${record.durable ? 'yes' : 'no'}`,
              `  created  ${record.createdAt}  updated ${record.updatedAt}`,
              `  usage    ${formatUsage(record.usage)}`,
              `  input    ${record.input}`,
            ];
            if (record.output !== undefined && record.output !== '')
              lines.push(`  output   ${record.output}`);
            if (record.error !== undefined) {
              lines.push(`  error    ${record.error.message} [${record.error.code}]`);
              if (record.error.hint !== undefined) lines.push(`  hint     ${record.error.hint}`);
            }
            if (record.pending.length > 0) {
              lines.push('  pending');
              for (const call of record.pending) {
                lines.push(
                  `    ${call.callId}  ${call.tool} ${JSON.stringify(call.input)}  (${call.reason})`,
                );
              }
              if (blocker !== undefined) {
                lines.push(`  ${style.yellow(resumeBlockerNote(blocker))}`);
              } else {
                lines.push('  continue with');
                for (const command of commands) lines.push(`    ${command}`);
              }
            }
            if (options.steps === true)
              lines.push('  steps', ...formatSteps(steps, style).map((line) => `  ${line}`));
            context.human(lines.join('\n'));
            return EXIT.ok;
          },
        ),
      ),
    );
  withExamples(show, [
    ['agentry runs show run_123', 'details and resume commands'],
    ['agentry runs show run_123 --steps', 'what the model said and what each tool returned, step by step'],
    ['agentry runs show run_123 --json', 'the stored record and its steps'],
  ]);
}
