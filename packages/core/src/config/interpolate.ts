/**
 * `${env:NAME}` and `${env:NAME:-default}` interpolation, with the env source of every value recorded. The same
 * walk over the config notes what `resolveLocated` checks next (prototype keys, secret-named values), so a
 * config is walked once.
 */
import type { ConfigIssue } from '../errors/agentry-error.js';
import { isSecretName } from './redactor.js';
import { ENV_CLOSE, ENV_OPEN, PROTOTYPE_KEYS } from './yaml-source.js';

type Path = (string | number)[];

const ENV_REFERENCE = new RegExp(
  `\\$[{${ENV_OPEN}]env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}\\n${ENV_OPEN}${ENV_CLOSE}]*))?[}${ENV_CLOSE}]`,
  'g',
);

/** What interpolation produced. */
export interface Interpolated {
  /** A copy of the input with references replaced. */
  value: unknown;
  /** One issue per missing variable (no default), at the value that references it. */
  issues: ConfigIssue[];
  /** Env variable names behind each value, keyed by `JSON.stringify(path)`. */
  envSources: Map<string, string[]>;
  /** Values that came from variables whose names look secret (`*_API_KEY`, `*_TOKEN` …). */
  secrets: string[];
  /** String values (interpolated) under secret-named keys anywhere (`apiKey`, `token` …). */
  namedSecrets: string[];
  /** Paths of `__proto__`, `constructor` and `prototype` keys; their values are not walked or copied. */
  prototypeKeys: Path[];
}

const WHOLE_REFERENCE = new RegExp(`^${ENV_REFERENCE.source}$`);

/**
 * Shell-like: a default applies when the variable is unset or empty; unset
 * without a default is an error. When a value is one whole reference,
 * `coerce` may turn the text into the type the schema expects (`"12"` → 12).
 */
export function interpolateEnv(
  input: unknown,
  env: NodeJS.ProcessEnv,
  locate: (path: Path) => string | undefined,
  coerce: (path: Path, text: string) => unknown = (_path, text) => text,
): Interpolated {
  const result: Interpolated = {
    value: undefined,
    issues: [],
    envSources: new Map(),
    secrets: [],
    namedSecrets: [],
    prototypeKeys: [],
  };
  // One path, extended and shortened along the walk; copied only where it is kept.
  const path: Path = [];
  const visitString = (value: string): unknown => {
    // Every reference spells `env:`: most strings have none and are kept as they are, without a regex pass.
    if (!value.includes('env:')) return value;
    const missingBefore = result.issues.length;
    const at = [...path];
    const replaced = replaceString(value, at);
    const whole = WHOLE_REFERENCE.test(value) && result.issues.length === missingBefore;
    return whole ? coerce(at, replaced) : replaced;
  };
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return visitString(value);
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      const items = new Array<unknown>(value.length);
      for (let index = 0; index < value.length; index += 1) {
        path.push(index);
        items[index] = visit(value[index]);
        path.pop();
      }
      return items;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      path.push(key);
      if (PROTOTYPE_KEYS.has(key)) {
        result.prototypeKeys.push([...path]);
        path.pop();
        continue;
      }
      const visited = visit((value as Record<string, unknown>)[key]);
      if (typeof visited === 'string' && isSecretName(key)) result.namedSecrets.push(visited);
      copy[key] = visited;
      path.pop();
    }
    return copy;
  };
  const replaceString = (text: string, path: Path): string => {
    const names: string[] = [];
    const replaced = text.replace(ENV_REFERENCE, (whole, name: string, fallback: string | undefined) => {
      names.push(name);
      const found = env[name];
      if (found !== undefined && (found !== '' || fallback === undefined)) {
        if (isSecretName(name) && found !== '') result.secrets.push(found);
        return found;
      }
      if (fallback !== undefined) return fallback;
      result.issues.push({
        code: 'config.env_missing',
        message: `environment variable ${name} is not set`,
        path,
        location: locate(path),
        hint: `set ${name}, or give a default: \${env:${name}:-value}`,
      });
      return whole.replace(ENV_OPEN, '{').replace(ENV_CLOSE, '}');
    });
    if (names.length > 0) result.envSources.set(JSON.stringify(path), names);
    return replaced;
  };
  result.value = visit(input);
  return result;
}
