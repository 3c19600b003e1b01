/** Turns zod issues into located, did-you-mean'd ConfigIssues, and all issues of a file into one ConfigError. */
import { z } from 'zod';
import { ConfigError, type ConfigErrorCode, type ConfigIssue } from '../errors/agentry-error.js';
import { suggestionHint } from './did-you-mean.js';
import { UNION_CHOOSERS } from './schema.js';
import { knownKeys, schemaAt, valueAt } from './schema-walk.js';

type Path = (string | number)[];

/** Where issues point: the value at a path, or the key of an entry. */
export interface Locator {
  locate(path: readonly (string | number)[]): string | undefined;
  locateKey(path: readonly (string | number)[]): string | undefined;
}

/** Validates `value` against `schema` and explains every failure (unknown keys, wrong types, bad names). */
export function schemaIssues(
  schema: z.ZodType,
  value: unknown,
  locator: Locator,
  base: Path = [],
): ConfigIssue[] {
  const result = schema.safeParse(value);
  return result.success ? [] : mapIssues(schema, value, result.error.issues, locator, base);
}

function mapIssues(
  schema: z.ZodType,
  value: unknown,
  zodIssues: readonly z.core.$ZodIssue[],
  locator: Locator,
  base: Path,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const suggestedKeys = new Set<string>();
  const at = (path: Path): string | undefined => locator.locate([...base, ...path]);
  for (const issue of zodIssues) {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    const found = schemaAt(schema, value, path);
    const actual = valueAt(value, path);
    if (issue.code === 'invalid_union') {
      const chooser = found ? UNION_CHOOSERS.get(found.union) : undefined;
      const chosen = chooser?.(actual);
      if (chosen instanceof z.ZodType) {
        issues.push(...schemaIssues(chosen, actual, locator, [...base, ...path]));
      } else {
        issues.push({
          message: chosen?.message ?? 'does not match any allowed form',
          path: [...base, ...path],
          location: at(path),
          ...(chosen?.hint ? { hint: chosen.hint } : {}),
        });
      }
    } else if (issue.code === 'unrecognized_keys') {
      const candidates = found ? knownKeys(found.schema) : [];
      for (const key of issue.keys) {
        const hint = suggestionHint(key, candidates);
        const match = hint ? /"(.*)"/.exec(hint)?.[1] : undefined;
        if (match) suggestedKeys.add(JSON.stringify([...path, match]));
        issues.push({
          message: `unknown key "${key}"`,
          path: [...base, ...path, key],
          location: locator.locateKey([...base, ...path, key]),
          hint: hint ?? (candidates.length > 0 ? `allowed keys: ${candidates.join(', ')}` : 'remove it'),
        });
      }
    } else if (issue.code === 'invalid_type' && actual === undefined && isMissingKey(value, path)) {
      issues.push({
        message: `missing required key "${String(path[path.length - 1])}"`,
        path: [...base, ...path],
        location: at(path.slice(0, -1)),
      });
    } else if (issue.code === 'invalid_type') {
      issues.push({
        message: `expected ${issue.expected}, got ${describe(actual)}`,
        path: [...base, ...path],
        location: at(path),
      });
    } else if (issue.code === 'invalid_value' && actual === undefined && isMissingKey(value, path)) {
      const allowed = issue.values.map((item) => JSON.stringify(item)).join(', ');
      issues.push({
        message: `${String(path[path.length - 1])} is required (${issue.values.length === 1 ? `use ${allowed}` : `one of ${allowed}`})`,
        path: [...base, ...path],
        location: at(path.slice(0, -1)),
      });
    } else if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((item) => JSON.stringify(item)).join(', ');
      const hint = suggestionHint(String(actual), issue.values.map(String));
      issues.push({
        message: `expected ${issue.values.length === 1 ? allowed : `one of ${allowed}`}, got ${describe(actual)}`,
        path: [...base, ...path],
        location: at(path),
        ...(hint ? { hint } : {}),
      });
    } else {
      const hint =
        issue.code === 'custom' ? (issue.params as { hint?: unknown } | undefined)?.hint : undefined;
      issues.push({
        message: issue.message,
        path: [...base, ...path],
        location: at(path),
        ...(typeof hint === 'string' ? { hint } : {}),
      });
    }
  }
  // A misspelt key and the required key it was meant to be are one mistake: report it once.
  return issues.filter(
    (item) =>
      !(
        item.message.startsWith('missing required key') &&
        suggestedKeys.has(JSON.stringify(item.path.slice(base.length)))
      ),
  );
}

function isMissingKey(value: unknown, path: Path): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(value, path.slice(0, -1));
  return (
    typeof parent === 'object' && parent !== null && !Object.hasOwn(parent, path[path.length - 1] as string)
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** `agents.assistant.tools[1].impl`. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? key : `.${key}`;
  }
  return text === '' ? '(root)' : text;
}

/** One line per issue: `file:line:col  path  message (did you mean "x"?)`. */
export function formatIssue(issue: ConfigIssue): string {
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${issue.location ?? '(config)'}  ${formatPath(issue.path)}  ${issue.message}${hint}`;
}

/** The most telling code for a set of issues: unsafe, then syntax, then env-only, else invalid. */
export function codeForIssues(issues: readonly ConfigIssue[]): ConfigErrorCode {
  const codes = new Set(issues.map((issue) => issue.code ?? 'config.invalid'));
  if (codes.has('config.unsafe')) return 'config.unsafe';
  if (codes.has('config.syntax')) return 'config.syntax';
  if (codes.size === 1 && codes.has('config.env_missing')) return 'config.env_missing';
  return 'config.invalid';
}

/** One ConfigError listing every issue; message and hint pass the redactor's text filter if given. */
export function configErrorFor(
  issues: readonly ConfigIssue[],
  source: string,
  redactText: (text: string) => string = (text) => text,
): ConfigError {
  const withCodes = issues.map((issue) => ({ ...issue, code: issue.code ?? 'config.invalid' }));
  const count = withCodes.length === 1 ? '1 problem' : `${withCodes.length} problems`;
  const lines = withCodes.map((issue) => `  ${formatIssue(issue)}`);
  return new ConfigError(codeForIssues(withCodes), {
    message: redactText(`${source} has ${count}:\n${lines.join('\n')}`),
    hint:
      codeForIssues(withCodes) === 'config.syntax'
        ? 'fix the YAML at the listed lines (indentation, quotes, brackets); nothing else was checked yet'
        : 'fix each listed value; `agentry schema` prints the JSON Schema for editors',
    issues: withCodes,
    context: {
      ...(withCodes[0]?.location ? { location: withCodes[0].location } : {}),
      path: formatPath(withCodes[0]?.path ?? []),
    },
  });
}
