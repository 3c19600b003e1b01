/** `agentry validate`: loads and checks the config, listing every problem with file:line:col. */
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { createRuntime, loadConfig } from '../core-api.js';
import { pluginIssues, throwPluginIssues } from '../plugin-check.js';
import { EXIT, relativeLocation } from '../render/errors.js';

/** Names of the entries of a config map (`agents`, `models`). */
export function namesOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null ? Object.keys(value) : [];
}

export function registerValidate(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('validate')
    .description('Check the config file: every problem with file:line:col, key path and a did-you-mean')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option(
      '--load',
      'also import every impl file and check its plugin and config, then create the runtime (connects to the store); without it no user code is imported',
    )
    .option('--json', 'print the result as one JSON document')
    .action(
      action(context, exit, async (options: { config?: string; load?: boolean }) => {
        context.errorJsonFields = { valid: false };
        const loaded = await loadConfig({
          path: options.config,
          cwd: context.io.cwd,
          env: context.io.env,
          redactor: context.redactor,
        });
        const file = relativeLocation(loaded.file, context.io.cwd);
        // What `run` would refuse, every slot at once: refused or missing impls, missing exports, builtin
        // configs, script files (and with --load, every impl imported and its config checked).
        const load = options.load === true;
        throwPluginIssues(await pluginIssues(loaded, { load }), file, load);
        if (load) {
          const runtime = await createRuntime({
            config: loaded.file,
            cwd: context.io.cwd,
            env: context.io.env,
            redactor: context.redactor,
          });
          await runtime.close();
        }
        const agents = namesOf(loaded.config.agents);
        const models = namesOf(loaded.config.models);
        if (context.json) {
          context.printJson({ valid: true, file, agents, models });
        } else {
          const style = context.style;
          context.human(
            `${style.symbols.ok} ${file} is valid: ${agents.length} agent(s) [${agents.join(', ')}], ${models.length} model(s) [${models.join(', ')}]`,
          );
        }
        return EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry validate', 'find agentry.yaml and check it'],
    ['agentry validate --config examples/quickstart/agentry.yaml', 'check a given file'],
    ['agentry validate --load', 'also import every plugin and check its config'],
    ['agentry validate --json', '{ "valid": false, "error": { "issues": [...] } } on problems'],
  ]);
  command.addHelpText('after', '\nExit codes: 0 valid, 2 invalid (every problem is printed).\n');
}
