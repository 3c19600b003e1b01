/** `agentry doctor`: checks Node, the config, the store and model credentials, and says what to fix. */
import process from 'node:process';
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { createRuntime, type LoadedConfig, loadConfig } from '../core-api.js';
import { EXIT, relativeLocation } from '../render/errors.js';

/** The result of one check. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  hint?: string;
}

const MIN_NODE = [20, 19, 0] as const;
/** Providers that need an API key, and the variable they conventionally read. */
const KEY_VARIABLES: Record<string, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

/** Checks that `version` (`v20.19.2`) is at least the supported minimum. */
export function checkNode(version: string): DoctorCheck {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  let supported = true;
  for (let index = 0; index < 3; index++) {
    const part = parts[index] ?? 0;
    if (part !== MIN_NODE[index]) {
      supported = part > MIN_NODE[index]!;
      break;
    }
  }
  return supported
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : {
        name: 'node',
        status: 'fail',
        detail: `Node ${version} is too old`,
        hint: `Install Node ${MIN_NODE.join('.')} or newer.`,
      };
}

/** Whether each configured model has its credentials (values are never shown). */
export function checkModels(
  config: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): DoctorCheck[] {
  const models = (config.models ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(models).map(([name, model]) => {
    const provider = String(model.provider ?? model.type ?? 'unknown');
    const variable = KEY_VARIABLES[provider];
    if (variable === undefined)
      return { name: `model ${name}`, status: 'ok', detail: `${provider}: no credentials needed` };
    const key = model.apiKey;
    if (typeof key === 'string' && key !== '')
      return { name: `model ${name}`, status: 'ok', detail: `${provider}: apiKey set ([redacted])` };
    if (env[variable] !== undefined && env[variable] !== '') {
      return { name: `model ${name}`, status: 'ok', detail: `${provider}: ${variable} set ([redacted])` };
    }
    return {
      name: `model ${name}`,
      status: 'warn',
      detail: `${provider}: no API key`,
      hint: `Export ${variable}, or set apiKey: \${env:${variable}} on models.${name}.`,
    };
  });
}

async function runChecks(context: CliContext, configPath: string | undefined): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [checkNode(process.version)];
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig({
      path: configPath,
      cwd: context.io.cwd,
      env: context.io.env,
      redactor: context.redactor,
    });
    checks.push({
      name: 'config',
      status: 'ok',
      detail: `${relativeLocation(loaded.file, context.io.cwd)} is valid`,
    });
  } catch (error) {
    const hint = (error as { hint?: string }).hint;
    checks.push({
      name: 'config',
      status: 'fail',
      detail: (error as Error).message,
      hint: hint ?? 'Run `agentry validate` for every problem with its line.',
    });
    return checks;
  }
  try {
    const runtime = await createRuntime({
      config: loaded.file,
      cwd: context.io.cwd,
      env: context.io.env,
      redactor: context.redactor,
    });
    try {
      await runtime.runs.list({ limit: 1 });
      checks.push({ name: 'store', status: 'ok', detail: 'every plugin loads; the store answers' });
    } finally {
      await runtime.close();
    }
  } catch (error) {
    // Named by the slot that failed (`events` for an event bus that cannot connect), else `store`.
    const slot = (error as { context?: { path?: string } }).context?.path?.split('.')[0];
    checks.push({
      name: slot === 'events' ? 'events' : 'store',
      status: 'fail',
      detail: (error as Error).message,
      hint:
        (error as { hint?: string }).hint ??
        'Check the store settings in the config and that its server is up.',
    });
  }
  checks.push(...checkModels(loaded.config, context.io.env));
  return checks;
}

export function registerDoctor(program: Command, context: CliContext, exit: ExitSlot): void {
  const command = program
    .command('doctor')
    .description('Check the setup: Node version, config validity, store reachable, model credentials')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print the checks as one JSON document')
    .action(
      action(context, exit, async (options: { config?: string }) => {
        const checks = await runChecks(context, options.config);
        const failed = checks.some((check) => check.status === 'fail');
        if (context.json) {
          context.printJson({ ok: !failed, checks });
        } else {
          const style = context.style;
          const marks = {
            ok: style.green('✔'),
            warn: style.yellow('!'),
            fail: style.red('✖'),
            skip: style.dim('-'),
          };
          for (const check of checks) {
            context.human(`${marks[check.status]} ${check.name.padEnd(14)} ${check.detail}`);
            if (check.hint !== undefined)
              context.human(`  ${' '.repeat(14)} ${style.dim(`hint: ${check.hint}`)}`);
          }
        }
        if (checks.some((check) => check.name === 'config' && check.status === 'fail')) return EXIT.usage;
        return failed ? EXIT.failed : EXIT.ok;
      }),
    );
  withExamples(command, [
    ['agentry doctor', 'check everything'],
    ['agentry doctor --json', 'for CI'],
  ]);
  command.addHelpText(
    'after',
    '\nExit codes: 0 no failures (warnings allowed), 1 a check failed, 2 the config is missing or invalid.\n',
  );
}
