/** `agentry send <runId> "text"`: input into a run that has not ended (steering), from any process. */
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT } from '../render/errors.js';

/** Options of `agentry send`. */
export interface SendOptions {
  config?: string;
  json?: boolean;
}

export function registerSend(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('send')
    .description('Send input into a run that has not ended; it reaches the model before its next call')
    .argument('<runId>', 'the run to steer (running, suspended, interrupted or queued)')
    .argument('<text>', 'the input, as the next user message')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print { runId, seq, status } as one JSON document')
    .action(
      action(context, exit, async (runId: string, text: string, options: SendOptions) =>
        withRuntime(context, options.config, async ({ runtime }) => {
          const receipt = await runtime.send(runId, text);
          if (context.json) {
            context.printJson(receipt);
            return EXIT.ok;
          }
          const when =
            receipt.status === 'running'
              ? 'before its next model call'
              : `when it continues (it is ${receipt.status})`;
          context.human(`Input #${receipt.seq} stored for run ${runId}: it reaches the model ${when}.`);
          return EXIT.ok;
        }),
      ),
    );
  withExamples(command, [
    ['agentry send run_123 "Use metric units"', 'steer a run driven by a worker or another terminal'],
    ['agentry send run_123 "Also check the tests" --json', 'print the inbox position as JSON'],
  ]);
}
