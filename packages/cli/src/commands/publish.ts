/** `agentry publish <name> [json]`: publish a custom event, which event triggers (`type: event`) match. */
import type { JsonValue } from '@agentry/core';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { withRuntime } from '../open-runtime.js';
import { EXIT, UsageError } from '../render/errors.js';

function payloadOf(raw: string | undefined): JsonValue {
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw new UsageError(
      `The payload is not JSON: ${(error as Error).message}`,
      `Quote it for the shell, e.g. agentry publish ticket.created '{"title":"Printer on fire"}'`,
    );
  }
}

export function registerPublish(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('publish')
    .description(
      'Publish a custom event on the configured event bus (event triggers with `event: <name>` fire)',
    )
    .argument('<name>', 'event name, e.g. ticket.created (run.*, trigger.* … are reserved)')
    .argument('[json]', 'payload as JSON (default null)')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print { published, runs } as one JSON document')
    .action(
      action(context, exit, async (name: string, json: string | undefined, options: { config?: string }) => {
        const payload = payloadOf(json);
        return withRuntime(context, options.config, async ({ runtime }) => {
          if (!runtime.publish) throw new UsageError('This runtime cannot publish events.');
          // Event triggers also run here, so the event starts its runs even on an in-process bus; on a
          // shared bus (redis) the processes that hear it claim it once in all (through the store).
          const triggers = await runtime.startTriggers?.({ types: ['event'], env: context.io.env });
          const started: string[] = [];
          const unsubscribe = runtime.events.on('trigger.fired', (event) => {
            started.push(event.data.runId);
          });
          await runtime.publish(name, payload);
          await triggers?.stop();
          unsubscribe();
          if (context.json) context.printJson({ published: name, runs: started });
          else
            context.note(`published ${name}${started.length > 0 ? ` · started ${started.join(', ')}` : ''}`);
          return EXIT.ok;
        });
      }),
    );
  withExamples(command, [
    [
      'agentry publish ticket.created \'{"title":"Printer on fire","priority":"high"}\'',
      'start the agents whose event trigger matches',
    ],
  ]);
  command.addHelpText(
    'after',
    "\nThe event goes to the config's `events:` bus, and this command runs the config's event triggers itself, so it starts the matching runs (through `runtime.enqueue`: with the `local` queue they run in this process before it exits, with `bullmq` a worker takes them). Over a shared bus (`redis`) `agentry serve` and `agentry worker` hear it too; each event starts its runs once in all.\n",
  );
}
