/** `agentry config explain`: the resolved config, secrets redacted, with where each value came from. */
import type { Command } from 'commander';
import { action, type ExitSlot, withExamples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { loadConfig } from '../core-api.js';
import { EXIT, formatKeyPath, relativeLocation } from '../render/errors.js';

/** One resolved value and its origin. */
export interface ExplainedValue {
  path: string;
  value: unknown;
  /** `file:line:col`, `env:NAME`, `default`, `flag` … */
  source: string;
}

/** Turns whatever `LoadedConfig.explain()` returns into a flat list of values with sources. */
export function normalizeExplain(explained: unknown): ExplainedValue[] | undefined {
  const list = Array.isArray(explained)
    ? explained
    : typeof explained === 'object' && explained !== null
      ? ((explained as { values?: unknown; entries?: unknown }).values ??
        (explained as { entries?: unknown }).entries)
      : undefined;
  if (!Array.isArray(list)) return undefined;
  return list.map((entry) => {
    const item = entry as {
      path?: unknown;
      key?: unknown;
      value?: unknown;
      source?: unknown;
      origin?: unknown;
    };
    const rawPath = item.path ?? item.key ?? '';
    const source = item.source ?? item.origin ?? '';
    return {
      path: formatKeyPath(rawPath as string | (string | number)[]),
      value: item.value,
      source: typeof source === 'string' ? source : JSON.stringify(source),
    };
  });
}

/** Redacts a value by its key name (`apiKey`, `password` …) and by registered secret values. */
function redactValue(context: CliContext, value: ExplainedValue): unknown {
  const key = value.path.split(/[.[]/).pop() ?? value.path;
  return context.redactor.redact({ [key]: value.value })[key];
}

export function registerConfig(program: Command, context: CliContext, exit: ExitSlot): void {
  const config = program.command('config').description('Inspect the resolved config');
  withExamples(config, [['agentry config explain', 'every value and where it came from']]);
  const explain = config
    .command('explain')
    .description('Show the resolved config (secrets redacted) and where each value came from')
    .option('-c, --config <path>', 'config file (default: agentry.yaml found from the working directory up)')
    .option('--json', 'print one JSON document: { file, config, values }')
    .action(
      action(context, exit, async (options: { config?: string }) => {
        const loaded = await loadConfig({
          path: options.config,
          cwd: context.io.cwd,
          env: context.io.env,
          redactor: context.redactor,
        });
        const file = relativeLocation(loaded.file, context.io.cwd);
        const explained = loaded.explain();
        const values = normalizeExplain(explained)?.map((value) => ({
          ...value,
          value: redactValue(context, value),
          source: relativeLocation(value.source, context.io.cwd).replace(`${loaded.file}`, file),
        }));
        const redactedConfig = context.redactor.redact(loaded.config);
        if (context.json) {
          context.printJson({ file, config: redactedConfig, values: values ?? explained });
          return EXIT.ok;
        }
        const style = context.style;
        context.human(
          `${style.bold('Config')} ${file}  ${style.dim('(precedence: flag > env > file > default)')}`,
        );
        if (values === undefined) {
          const text =
            typeof explained === 'string'
              ? explained
              : JSON.stringify(context.redactor.redact(explained), null, 2);
          context.human(text);
          return EXIT.ok;
        }
        const width = Math.min(48, Math.max(...values.map((value) => value.path.length)));
        for (const value of values) {
          const shown = JSON.stringify(redactValue(context, value));
          context.human(`  ${value.path.padEnd(width)}  ${shown}  ${style.dim(`← ${value.source}`)}`);
        }
        return EXIT.ok;
      }),
    );
  withExamples(explain, [
    ['agentry config explain', 'table of values and sources'],
    ['OPENAI_API_KEY=sk-... agentry config explain --json', 'secrets show as [redacted]'],
  ]);
}
