/** `agentry worker` and `agentry queue status`: drive queued runs on any host, and see the queue. */
import { ConsoleLogger, type QueueStatus } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { signalExitCode } from '../run-driver.js';
import { startTriggersNoted } from '../serve/start-triggers.js';

interface WorkerOptions {
  config?: string;
  concurrency: string;
  agents?: string;
}

/** `--concurrency` as a positive integer. */
function concurrencyOf(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--concurrency must be a whole number of at least 1, got "${raw}".`);
  }
  return value;
}

export function registerWorker(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('worker')
    .description('Take runs from the configured queue and drive them, until SIGTERM or Ctrl-C')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--concurrency <n>', 'runs driven at once by this worker', '4')
    .option('--agents <names>', 'only runs of these agents (comma-separated; default: every agent)')
    .action(
      action(context, exit, async (options: WorkerOptions) => {
        const concurrency = concurrencyOf(options.concurrency);
        // A worker runs unattended: what goes wrong with a job (a failed job, a lost run lease) goes to stderr.
        const logger = new ConsoleLogger({
          redactor: context.redactor,
          write: (line) => context.io.stderr.write(line),
        });
        return withRuntime(
          context,
          options.config,
          async ({ runtime }) => {
            const agents = options.agents
              ?.split(',')
              .map((name) => name.trim())
              .filter(Boolean);
            const worker = await runtime.work({ concurrency, ...(agents ? { agents } : {}) });
            // Cron, interval and event triggers of its agents (webhooks need `agentry serve`).
            const triggers = await startTriggersNoted(context, runtime, {
              types: ['cron', 'interval', 'event'],
              ...(agents ? { agents } : {}),
            });
            const style = context.stderrStyle;
            context.note(
              `${style.bold('worker')} ${worker.id} · ${(agents ?? runtime.agents()).join(', ')} · concurrency ${concurrency}`,
            );
            const unsubscribe = runtime.events.onAny((event) => {
              if (event.type === 'run.started' || event.type === 'run.resumed') {
                if (event.data.worker === worker.id)
                  context.note(`  ${style.dim('▶')} ${event.runId} ${event.agentId}`);
              } else if (event.type.startsWith('run.') && worker.active().includes(event.runId)) {
                context.note(`  ${style.dim('■')} ${event.runId} ${event.type.slice(4)}`);
              }
            });
            let signals = 0;
            const stopped = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
              const remove = context.io.onInterrupt((signal = 'SIGINT') => {
                signals += 1;
                if (signals > 1) {
                  remove();
                  context.io.exit(signalExitCode(signal));
                  return;
                }
                resolve(signal);
              });
            });
            context.note(
              style.yellow(
                `${stopped}: draining — no new runs; ${worker.active().length} active run(s) are interrupted and handed to other workers (${stopped} again exits at once)`,
              ),
            );
            await triggers?.stop();
            await worker.stop('interrupt');
            unsubscribe();
            context.note(`worker ${worker.id} stopped`);
            return EXIT.ok;
          },
          logger,
        );
      }),
    );
  withExamples(command, [
    ['agentry worker', 'drive runs of every agent, 4 at a time'],
    ['agentry worker --concurrency 16 --agents triage,report', 'only two agents, 16 at a time'],
  ]);
  command.addHelpText(
    'after',
    "\nThe queue is the config's `queue:` (use `bullmq` to share it between hosts). SIGTERM (or Ctrl-C) drains: the worker stops taking runs, interrupts its active runs at a safe point and hands them back to the queue, so other workers continue them at once; then it exits 0. A second signal exits at once (its runs are taken over when their leases expire).\n",
  );

  const queue = program.command('queue').description('Inspect the configured run queue');
  withExamples(queue, [['agentry queue status', 'counts, workers and the oldest waiting job']]);
  const status = queue
    .command('status')
    .description('Job counts by state, workers seen and the oldest waiting job')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print the status as one JSON document')
    .action(
      action(context, exit, async (options: { config?: string }) =>
        withRuntime(context, options.config, async ({ runtime }) => {
          const status = await runtime.queueStatus();
          if (context.json) context.printJson(status);
          else context.human(formatQueueStatus(status));
          return EXIT.ok;
        }),
      ),
    );
  withExamples(status, [
    ['agentry queue status', 'counts by state, workers seen, oldest waiting job'],
    ['agentry queue status --json', 'the same for scripts and monitoring'],
  ]);
}

/** The human view of `agentry queue status`. */
export function formatQueueStatus(status: QueueStatus): string {
  const { counts } = status;
  const lines = [
    `queue ${status.queue}`,
    `  waiting ${counts.waiting} · delayed ${counts.delayed} · active ${counts.active} · completed ${counts.completed} · failed ${counts.failed}`,
    `  oldest waiting: ${status.oldestWaitingAt ?? '—'}`,
    `  workers (${status.workers.length}):`,
    ...status.workers.map(
      (worker) => `    ${worker.id}${worker.agents ? ` · ${worker.agents.join(', ')}` : ''}`,
    ),
  ];
  return lines.join('\n');
}
