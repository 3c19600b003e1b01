/** `agentry events <runId>`: replays a run's stored events; `--follow` keeps polling until the run ends. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';
import { formatEventLine } from '../render/event-line.js';
import { requireRun } from './runs.js';

const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

export function registerEvents(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('events')
    .description("Print a run's stored events in order (NDJSON with --json)")
    .argument('<runId>', 'the run')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('-F, --follow', 'keep printing new events until the run completes, fails or is cancelled')
    .option('--after <seq>', 'only events after this sequence number')
    .option('--interval <ms>', 'how often --follow polls the store', '500')
    .option('--json', 'one JSON event per line (NDJSON)')
    .action(
      action(
        context,
        exit,
        async (
          runId: string,
          options: { config?: string; follow?: boolean; after?: string; interval: string },
        ) => {
          const interval = Number(options.interval);
          let afterSeq = options.after === undefined ? 0 : Number(options.after);
          if (!Number.isInteger(afterSeq) || afterSeq < 0)
            throw new UsageError('--after must be a sequence number (0 or more).');
          if (!Number.isFinite(interval) || interval < 10)
            throw new UsageError('--interval must be at least 10 (milliseconds).');
          return withRuntime(context, options.config, async ({ runtime }) => {
            await requireRun(runtime.runs, runId);
            let stopped = false;
            const removeInterrupt = context.io.onInterrupt(() => {
              if (stopped) context.io.exit(130);
              stopped = true;
            });
            try {
              for (;;) {
                const events = await runtime.runs.events(runId, { afterSeq });
                for (const event of events) {
                  if (context.json) context.printJsonLine(event);
                  else context.human(formatEventLine(event, context.style));
                  afterSeq = Math.max(afterSeq, event.seq);
                }
                if (options.follow !== true || stopped) break;
                const record = await runtime.runs.get(runId);
                if (record === undefined || FINAL_STATUSES.has(record.status)) {
                  if (events.length === 0) break;
                  continue;
                }
                await sleep(interval);
              }
            } finally {
              removeInterrupt();
            }
            return EXIT.ok;
          });
        },
      ),
    );
  withExamples(command, [
    ['agentry events run_123', 'what happened, one line per event'],
    ['agentry events run_123 --follow', 'watch a run another process is executing'],
    ['agentry events run_123 --json | jq -c "select(.type|startswith(\\"tool.\\"))"', 'NDJSON for tools'],
  ]);
}
