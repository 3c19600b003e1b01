/** `${env:NAME}` and `${env:NAME:-default}` interpolation, with the env source of every value recorded. */
import type { ConfigIssue } from '../errors/agentry-error.js';
import { isSecretName } from './redactor.js';
import { ENV_CLOSE, ENV_OPEN } from './yaml-source.js';

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
  const result: Interpolated = { value: undefined, issues: [], envSources: new Map(), secrets: [] };
  const visit = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') {
      // Every reference spells `env:`: most strings have none and are kept as they are, without a regex pass.
      if (!value.includes('env:')) return value;
      const missingBefore = result.issues.length;
      const replaced = replaceString(value, path);
      const whole = WHOLE_REFERENCE.test(value) && result.issues.length === missingBefore;
      return whole ? coerce(path, replaced) : replaced;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const visited = visit(item, [...path, key]);
        // `__proto__` is defined, not assigned: assigning it would set the copy's prototype.
        if (key !== '__proto__') copy[key] = visited;
        else
          Object.defineProperty(copy, key, {
            value: visited,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return copy;
    }
    return value;
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
  result.value = visit(input, []);
  return result;
}
