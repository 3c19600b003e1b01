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
  /**
   * Largest config file accepted, in bytes (default `AGENTRY_CONFIG_MAX_BYTES` from `env`, else 4 MiB); a
   * larger file is refused with `config.too_large` before it is parsed.
   */
  maxBytes?: number;
}

/** Default cap on the size of a config file: 4 MiB. */
export const DEFAULT_CONFIG_MAX_BYTES = 4 * 1024 * 1024;

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

/**
 * What the cosmiconfig loaders return: the file's text, boxed so cosmiconfig passes it through untouched and
 * parsed only after its size was checked (package.json is parsed at once: whether it has `"agentry"` decides
 * whether discovery stops there).
 */
class SourceBox {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly prefix: readonly string[] = [],
    readonly parsed?: ConfigSource,
  ) {}
}

function yamlLoader(filepath: string, content: string): SourceBox {
  return new SourceBox(filepath, content);
}

function jsonLoader(filepath: string, content: string): Record<string, SourceBox> | SourceBox {
  if (basename(filepath) !== 'package.json') return new SourceBox(filepath, content);
  const source = parseConfigSource(content, filepath, ['agentry']);
  return source.present ? { agentry: new SourceBox(filepath, content, ['agentry'], source) } : {};
}

/** The size cap: the option, else `AGENTRY_CONFIG_MAX_BYTES`, else 4 MiB. */
function maxConfigBytes(option: number | undefined, env: NodeJS.ProcessEnv): number {
  if (option !== undefined) return option;
  const fromEnv = env.AGENTRY_CONFIG_MAX_BYTES;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_CONFIG_MAX_BYTES;
  const parsed = Number(fromEnv);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new ConfigError('config.invalid', {
      message: `AGENTRY_CONFIG_MAX_BYTES is "${fromEnv}"; expected a positive whole number of bytes`,
      hint: `unset it for the default of ${DEFAULT_CONFIG_MAX_BYTES} bytes (4 MiB), or set e.g. AGENTRY_CONFIG_MAX_BYTES=8388608`,
    });
  }
  return parsed;
}

/** Refuses a config text larger than `max` bytes, before any parsing. */
function checkSize(text: string, file: string, max: number): void {
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip counting for texts that cannot be too large.
  if (text.length * 3 <= max) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= max) return;
  throw new ConfigError('config.too_large', {
    message: `${displayFile(file)} is ${bytes} bytes, more than the ${max}-byte limit for a config file`,
    hint: `split the agents over several configs, or raise the limit with AGENTRY_CONFIG_MAX_BYTES=${bytes} (or loadConfig({ maxBytes }))`,
  });
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
 * @throws ConfigError `config.not_found`, `config.too_large` (see `maxBytes`), or one error listing every
 * issue of the file (`config.syntax`, `config.invalid`, `config.env_missing`, `config.unsafe`).
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
  const box = result.config;
  checkSize(box.text, box.file, maxConfigBytes(options.maxBytes, env));
  return fromSource(box.parsed ?? parseConfigSource(box.text, box.file, box.prefix), env, options.redactor);
}

/** Parses and validates one file's text (YAML or JSON); `file` names it in errors and sets `baseDir`. */
export function parseConfig(
  text: string,
  file: string,
  options: { env?: NodeJS.ProcessEnv; redactor?: Redactor; maxBytes?: number } = {},
): LoadedConfig {
  const absolute = resolve(file);
  const env = options.env ?? process.env;
  checkSize(text, absolute, maxConfigBytes(options.maxBytes, env));
  const prefix = basename(absolute) === 'package.json' ? ['agentry'] : [];
  return fromSource(parseConfigSource(text, absolute, prefix), env, options.redactor);
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
