/** From a parsed value to a LoadedConfig: interpolate, validate, cross-check, register secrets, explain. */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:NAME}` is config syntax, not a template.
import type { Redactor } from '../contracts/services.js';
import type { ConfigIssue } from '../errors/agentry-error.js';
import { suggestionHint } from './did-you-mean.js';
import { fastConfig, registerFastSecrets } from './fast-config.js';
import { interpolateEnv } from './interpolate.js';
import { configErrorFor, type Locator, schemaIssues } from './issues.js';
import { createRedactor } from './redactor.js';
import { type AgentryConfig, agentryConfigSchema } from './schema.js';
import { registerSchemaSecrets, schemaAt, schemaType, valueAt } from './schema-walk.js';

type Path = readonly (string | number)[];

/** Where one resolved value came from. */
export interface ConfigValueSource {
  /** Key path, e.g. `agents.assistant.budget.maxSteps`. */
  path: string;
  /** The value, secrets redacted. */
  value: unknown;
  /** `file:line:col`, `env:NAME`, `options` (an object passed in code) or `default`. */
  source: string;
}

/** What `LoadedConfig.explain()` returns (for `agentry config explain`). */
export interface ConfigExplanation {
  file?: string;
  baseDir: string;
  /** How values win over each other. */
  precedence: string;
  /** The resolved config, secrets redacted. */
  config: AgentryConfig;
  /** Every leaf value and where it came from. */
  values: ConfigValueSource[];
}

/** A validated config with positions. */
export interface LoadedConfig {
  /** Validated, interpolated, defaults applied. */
  config: AgentryConfig;
  /** Absolute path when loaded from a file. */
  file?: string;
  /** Directory of the file (or cwd / `baseDir`); relative paths resolve against it. */
  baseDir: string;
  /**
   * `file:line:col` of the value at `path` when it came from a file; for a
   * path the file does not spell out (a default), the nearest enclosing value.
   */
  locate(path: Path): string | undefined;
  /** The resolved config (secrets redacted) and where each value came from. */
  explain(): ConfigExplanation;
}

/** Precedence of config values, highest first. */
export const CONFIG_PRECEDENCE =
  'explicit options/CLI flags > environment (AGENTRY_CONFIG, ${env:…}) > config file > defaults';

/** Input of `resolveLocated`: a plain value plus how to locate its parts. */
export interface LocatedValue extends Locator {
  value: unknown;
  /** Issues already found while parsing (syntax, unsafe). */
  issues: ConfigIssue[];
  file?: string;
  baseDir: string;
  /** Source label for values that have no location (`options` for objects passed in code). */
  origin: string;
  /** Label used in the error message (`agentry.yaml`, `config object`). */
  label: string;
}

/** Validates a located value into a LoadedConfig or throws one ConfigError listing every issue. */
export function resolveLocated(
  input: LocatedValue,
  env: NodeJS.ProcessEnv,
  redactor: Redactor = createRedactor(),
): LoadedConfig {
  if (input.issues.length > 0) throw configErrorFor(input.issues, input.label, (text) => text);
  const coerce = (path: Path, text: string): unknown => {
    const found = schemaAt(agentryConfigSchema, input.value, path);
    const type = found ? schemaType(found.schema) : undefined;
    if (type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
    if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
    return text;
  };
  const interpolated = interpolateEnv(input.value, env, (path) => input.locate(path), coerce);
  if (interpolated.prototypeKeys.length > 0) {
    throw configErrorFor(prototypeKeyIssues(interpolated.prototypeKeys, input), input.label);
  }
  for (const secret of interpolated.secrets) redactor.addSecret(secret);
  for (const secret of interpolated.namedSecrets) redactor.addSecret(secret);
  // The common shapes are checked without building the zod schema; anything else (errors included) by zod.
  const fast = interpolated.issues.length === 0 ? fastConfig(interpolated.value) : undefined;
  const issues = [
    ...interpolated.issues,
    ...(fast === undefined ? schemaIssues(agentryConfigSchema, interpolated.value, input) : []),
    ...modelReferenceIssues(interpolated.value, input),
  ];
  if (issues.length > 0) {
    throw configErrorFor(sortIssues(issues), input.label, (text) => redactor.redactText(text));
  }
  const config = fast ?? agentryConfigSchema.parse(interpolated.value);
  if (fast === undefined) registerSchemaSecrets(agentryConfigSchema, config, redactor);
  else registerFastSecrets(config, redactor);

  const explain = (): ConfigExplanation => {
    const redacted = redactor.redact(config);
    const values: ConfigValueSource[] = [];
    walkLeaves(redacted, [], (path, value) => {
      const names = interpolated.envSources.get(JSON.stringify(path));
      const fromInput = valueAt(input.value, path) !== undefined;
      const source = names
        ? names.map((name) => `env:${name}`).join(', ')
        : fromInput
          ? (input.locate(path) ?? input.origin)
          : 'default';
      values.push({ path: formatDotted(path), value, source });
    });
    return {
      ...(input.file ? { file: input.file } : {}),
      baseDir: input.baseDir,
      precedence: CONFIG_PRECEDENCE,
      config: redacted,
      values,
    };
  };
  return {
    config,
    ...(input.file ? { file: input.file } : {}),
    baseDir: input.baseDir,
    locate: (path) => input.locate(path),
    explain,
  };
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const position = (issue: ConfigIssue): [number, number] => {
    const match = /:(\d+):(\d+)$/.exec(issue.location ?? '');
    return match ? [Number(match[1]), Number(match[2])] : [Number.MAX_SAFE_INTEGER, 0];
  };
  return [...issues].sort((left, right) => {
    const [leftLine, leftColumn] = position(left);
    const [rightLine, rightColumn] = position(right);
    return leftLine - rightLine || leftColumn - rightColumn;
  });
}

/** Agents must name a declared model (checked apart from the schema, so it is reported with every other issue). */
function modelReferenceIssues(value: unknown, locator: Locator): ConfigIssue[] {
  const models = valueAt(value, ['models']);
  const agents = valueAt(value, ['agents']);
  if (typeof agents !== 'object' || agents === null) return [];
  const modelNames = typeof models === 'object' && models !== null ? Object.keys(models) : [];
  const issues: ConfigIssue[] = [];
  for (const [agent, agentValue] of Object.entries(agents)) {
    const model = valueAt(agentValue, ['model']);
    if (typeof model !== 'string' || model === '' || modelNames.includes(model)) continue;
    const path = ['agents', agent, 'model'];
    issues.push({
      message: `unknown model "${model}"`,
      path,
      location: locator.locate(path),
      hint:
        suggestionHint(model, modelNames) ??
        (modelNames.length > 0 ? `declared models: ${modelNames.join(', ')}` : 'declare it under `models:`'),
    });
  }
  return issues;
}

function prototypeKeyIssues(paths: readonly (string | number)[][], locator: Locator): ConfigIssue[] {
  return paths.map((path) => {
    const key = String(path[path.length - 1]);
    return {
      code: 'config.unsafe',
      message: `key "${key}" is not allowed`,
      path,
      location: locator.locateKey(path),
      hint: '__proto__, constructor and prototype could change how every object behaves; rename the key',
    };
  });
}

function walkLeaves(
  value: unknown,
  path: (string | number)[],
  onLeaf: (path: (string | number)[], value: unknown) => void,
): void {
  if (Array.isArray(value) && value.length > 0) {
    for (const [index, item] of value.entries()) walkLeaves(item, [...path, index], onLeaf);
  } else if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  ) {
    for (const [key, item] of Object.entries(value)) walkLeaves(item, [...path, key], onLeaf);
  } else onLeaf(path, value);
}

function formatDotted(path: readonly (string | number)[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : key))
    .join('.')
    .replace(/\.\[/g, '[');
}
