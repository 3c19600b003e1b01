/** `agentry serve`: the HTTP API and the web console for the runs of a config's store. */
import type { ServedConfig } from '@agentry/server';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { openRuntime } from '../open-runtime.js';
import { EXIT } from '../render/errors.js';
import { type ServeOptions, serveUntilStopped } from '../serve/serve-runtime.js';
import { startTriggersNoted } from '../serve/start-triggers.js';

/** Adds the options `serve` and `dev` share. */
export function serveOptions(command: Command): Command {
  return command
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option(
      '--host <address>',
      'address to listen on (beyond loopback only with AGENTRY_SERVER_TOKENS set)',
      '127.0.0.1',
    )
    .option('-p, --port <number>', 'port to listen on (0: any free port)', '4400')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (only behind a proxy you run)');
}

export function registerServe(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = serveOptions(
    program
      .command('serve')
      .description('Serve the HTTP API and the web console (runs, timelines, approvals inbox)'),
  ).action(
    action(context, exit, async (options: ServeOptions) => {
      const { runtime, loaded } = await openRuntime(context, options.config);
      try {
        const triggers = await startTriggersNoted(context, runtime);
        await serveUntilStopped(
          context,
          { current: () => runtime },
          {
            ...options,
            servedConfig: () => loaded.config as ServedConfig,
            label: 'Agentry console:',
            ...(triggers ? { triggers } : {}),
          },
        );
      } finally {
        await runtime.close();
      }
      return EXIT.ok;
    }),
  );
  withExamples(command, [
    ['agentry serve', 'console and API on http://127.0.0.1:4400'],
    [
      'AGENTRY_SERVER_TOKENS="admin:$(openssl rand -hex 24)" agentry serve --host 0.0.0.0',
      'reachable from other hosts, with a token',
    ],
  ]);
}
