/** Finding and loading `agentry.yaml`: cosmiconfig discovery, the positional YAML loader, and the public entry points. */
import { basename, dirname, resolve } from 'node:path';
import type { PublicExplorer } from 'cosmiconfig';
import type { Redactor } from '../contracts/services.js';
import { ConfigError, isAgentryError } from '../errors/agentry-error.js';
import { createRedactor } from './redactor.js';
import { type LoadedConfig, resolveLocated } from './resolve.js';
import { type ConfigSource, displayFile, parseConfigSource } from './yaml-source.js';

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Explicit config file (the CLI's `--config`); wins over `AGENTRY_CONFIG` and discovery. */
  path?: string;
  /** Where discovery starts (default `process.cwd()`). */
  cwd?: string;
  /** Environment for `${env:…}` and `AGENTRY_CONFIG` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Receives every secret found; pass the runtime's redactor. */
  redactor?: Redactor;
}

/** File names searched in each directory, from `cwd` up to the project root (the nearest package.json). */
export const CONFIG_FILE_NAMES: readonly string[] = [
  'agentry.yaml',
  'agentry.yml',
  'agentry.config.yaml',
  'agentry.config.yml',
  '.agentryrc',
  '.agentryrc.yaml',
  '.agentryrc.yml',
  'package.json',
];

/** What the cosmiconfig loaders return: the parsed source, boxed so cosmiconfig passes it through untouched. */
class SourceBox {
  constructor(readonly source: ConfigSource) {}
}

function yamlLoader(filepath: string, content: string): SourceBox {
  return new SourceBox(parseConfigSource(content, filepath));
}

function jsonLoader(filepath: string, content: string): Record<string, SourceBox> | SourceBox {
  if (basename(filepath) !== 'package.json') return new SourceBox(parseConfigSource(content, filepath));
  const source = parseConfigSource(content, filepath, ['agentry']);
  return source.present ? { agentry: new SourceBox(source) } : {};
}

let explorerPromise: Promise<PublicExplorer> | undefined;

/** The cosmiconfig explorer, built on the first `loadConfig` so importing core does not load cosmiconfig. */
function configExplorer(): Promise<PublicExplorer> {
  explorerPromise ??= import('cosmiconfig').then(
    ({ cosmiconfig }) =>
      cosmiconfig('agentry', {
        searchPlaces: [...CONFIG_FILE_NAMES],
        packageProp: 'agentry',
        searchStrategy: 'project',
        cache: false,
        loaders: { '.yaml': yamlLoader, '.yml': yamlLoader, noExt: yamlLoader, '.json': jsonLoader },
      }),
    (error: unknown) => {
      explorerPromise = undefined;
      throw error;
    },
  );
  return explorerPromise;
}

/**
 * Finds, parses and validates the config. Which file is used, highest first:
 * `options.path` (CLI `--config`) > `AGENTRY_CONFIG` in the environment >
 * discovery of {@link CONFIG_FILE_NAMES} from `cwd` up to the project root
 * (`"agentry"` in package.json counts). Within the file, values follow
 * explicit options/CLI > env (`${env:NAME}`) > file > defaults.
 *
 * @throws ConfigError `config.not_found`, or one error listing every issue of
 * the file (`config.syntax`, `config.invalid`, `config.env_missing`, `config.unsafe`).
 * @example
 * ```ts
 * const { config, explain } = await loadConfig({ cwd: process.cwd() });
 * ```
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const explicit = options.path ?? (env.AGENTRY_CONFIG ? env.AGENTRY_CONFIG : undefined);
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    const explorer = await configExplorer();
    result = explicit ? await explorer.load(resolve(cwd, explicit)) : await explorer.search(cwd);
  } catch (error) {
    if (isAgentryError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (explicit && (code === 'ENOENT' || code === 'EISDIR')) {
      throw new ConfigError('config.not_found', {
        message: `Config file ${resolve(cwd, explicit)} does not exist`,
        hint: options.path ? 'check the --config path' : 'check the AGENTRY_CONFIG path',
        cause: error,
      });
    }
    throw new ConfigError('config.syntax', {
      message: `Could not read config: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'check that the file is readable YAML',
      cause: error,
    });
  }
  if (!result || result.isEmpty || !(result.config instanceof SourceBox)) {
    if (result?.filepath) {
      throw new ConfigError('config.invalid', {
        message: `${displayFile(result.filepath)} is empty`,
        hint: 'start with `version: 1` and declare your models and agents',
      });
    }
    throw new ConfigError('config.not_found', {
      message: `No Agentry config found from ${cwd} up to the project root`,
      hint: `create agentry.yaml (or ${CONFIG_FILE_NAMES.slice(2).join(', ')}, or "agentry" in package.json), or pass --config <file>`,
    });
  }
  return fromSource(result.config.source, env, options.redactor);
}

/** Parses and validates one file's text (YAML or JSON); `file` names it in errors and sets `baseDir`. */
export function parseConfig(
  text: string,
  file: string,
  options: { env?: NodeJS.ProcessEnv; redactor?: Redactor } = {},
): LoadedConfig {
  const absolute = resolve(file);
  const prefix = basename(absolute) === 'package.json' ? ['agentry'] : [];
  return fromSource(parseConfigSource(text, absolute, prefix), options.env ?? process.env, options.redactor);
}

/** Validates a config object built in code (`createRuntime({ config: {...} })`); no locations. */
export function resolveConfigObject(
  value: unknown,
  options: { baseDir?: string; env?: NodeJS.ProcessEnv; redactor?: Redactor } = {},
): LoadedConfig {
  return resolveLocated(
    {
      value,
      issues: [],
      baseDir: resolve(options.baseDir ?? process.cwd()),
      origin: 'options',
      label: 'config object',
      locate: () => undefined,
      locateKey: () => undefined,
    },
    options.env ?? process.env,
    options.redactor ?? createRedactor(),
  );
}

function fromSource(source: ConfigSource, env: NodeJS.ProcessEnv, redactor?: Redactor): LoadedConfig {
  return resolveLocated(
    {
      value: source.value,
      issues: source.issues,
      file: source.file,
      baseDir: dirname(source.file),
      origin: displayFile(source.file),
      label: displayFile(source.file),
      locate: source.locate,
      locateKey: source.locateKey,
    },
    env,
    redactor ?? createRedactor(),
  );
}
