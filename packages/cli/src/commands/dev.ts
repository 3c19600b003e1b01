/** `agentry dev`: `serve` that reloads the runtime when the config or a plugin file changes. */
import type { ServedConfig } from '@agentry/server';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../render/errors.js';
import { ReloadingRuntime } from '../serve/reloading-runtime.js';
import { type ServeOptions, serveUntilStopped } from '../serve/serve-runtime.js';
import { serveOptions } from './serve.js';

export function registerDev(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = serveOptions(
    program
      .command('dev')
      .description('Serve the console and API, reloading when the config or an impl file changes'),
  ).action(
    action(context, exit, async (options: ServeOptions) => {
      const source = await ReloadingRuntime.open(context, options.config);
      try {
        await serveUntilStopped(context, source, {
          ...options,
          servedConfig: () => source.config() as ServedConfig,
          label: 'Agentry console (dev, reloads on change):',
        });
      } finally {
        await source.close();
      }
      return EXIT.ok;
    }),
  );
  withExamples(command, [['agentry dev', 'edit agentry.yaml or a plugin; new runs use the new version']]);
}
