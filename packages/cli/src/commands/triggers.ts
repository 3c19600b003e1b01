/** `agentry triggers`: the configured triggers, what starts each, its next tick and its latest firings. */
import type { TriggerStatus } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT } from '../render/errors.js';

/** The human view: one block per trigger, its latest firings below it. */
export function formatTriggers(statuses: readonly TriggerStatus[], limit: number): string {
  if (statuses.length === 0) return 'No triggers configured (agents.<id>.triggers).';
  return statuses
    .map((status) => {
      const next = status.nextTickAt ? ` · next ${status.nextTickAt}` : '';
      const lines = [`${status.trigger} · ${status.on}${next}`];
      for (const firing of status.recent.slice(0, limit)) {
        const what =
          firing.event === 'trigger.fired'
            ? `fired → ${firing.runId}`
            : `skipped (${firing.reason}): ${firing.message ?? ''}${firing.runId ? ` [${firing.runId}]` : ''}`;
        lines.push(`  ${firing.at}  ${what}`);
      }
      if (status.recent.length === 0) lines.push('  not fired yet');
      return lines.join('\n');
    })
    .join('\n');
}

export function registerTriggers(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('triggers')
    .description(
      'List the configured triggers: what starts each, the next tick, the latest firings (from the store)',
    )
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--last <n>', 'firings shown per trigger', '5')
    .option('--json', 'print every trigger with its stored firings as one JSON document')
    .action(
      action(context, exit, async (options: { config?: string; last: string }) =>
        withRuntime(context, options.config, async ({ runtime }) => {
          const statuses = (await runtime.describeTriggers?.()) ?? [];
          if (context.json) context.printJson({ triggers: statuses });
          else context.human(formatTriggers(statuses, Math.max(0, Number(options.last) || 0)));
          return EXIT.ok;
        }),
      ),
    );
  withExamples(command, [
    ['agentry triggers', 'each trigger, its next tick and its last 5 firings'],
    ['agentry triggers --json', 'the same for scripts (up to 20 firings each)'],
  ]);
}
