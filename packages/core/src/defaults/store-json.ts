/** Plain-JSON check for store writes: finds the first value that would not round-trip and names its path. */
import { StoreError } from '../errors/agentry-error.js';

/** Where and why a value is not plain JSON. */
export interface NonJsonValue {
  /** Path of the offending value, e.g. `value.items[3]`. */
  readonly path: string;
  /** What was found there, e.g. `a BigInt`. */
  readonly found: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return 'a BigInt';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'number') return `the number ${String(value)}`;
  const name = (value as object).constructor?.name;
  return name ? `an instance of ${name}` : 'an object with a custom prototype';
}

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Nesting depth the fast pass handles; deeper values (or cycles) take the full walk, which tracks ancestors. */
const FAST_DEPTH = 256;

/**
 * The fast pass: true when `value` is certainly plain JSON. It builds no paths
 * and keeps no ancestor set (a cycle just runs past `FAST_DEPTH`); false means
 * "not sure" and the full walk decides and names the path.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > FAST_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      // A hole reads as undefined, which is rejected here and explained by the full walk.
      if (!isPlainJson(value[index], depth + 1)) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let index = 0; index < keys.length; index += 1) {
    if (!isPlainJson(record[keys[index]!], depth + 1)) return false;
  }
  return Object.getOwnPropertySymbols(value).length === 0;
}

/** True when `value` is certainly plain JSON (one allocation-free pass); false means "look closer". */
export function isCertainlyPlainJson(value: unknown): boolean {
  return isPlainJson(value, 0);
}

/**
 * Returns the first part of `value` that is not plain JSON (BigInt, undefined,
 * NaN/Infinity, functions, symbols, class instances such as Date/Map/Set,
 * sparse arrays, symbol keys, cycles), or `undefined` when all of it is JSON.
 * Valid values cost one allocation-free pass; paths are built only for invalid ones.
 */
export function findNonJson(value: unknown, path = 'value'): NonJsonValue | undefined {
  if (isPlainJson(value, 0)) return undefined;
  return visit(value, path, new Set());
}

function visit(value: unknown, path: string, ancestors: Set<object>): NonJsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, found: describe(value) };
  if (typeof value !== 'object') return { path, found: describe(value) };
  if (ancestors.has(value)) return { path, found: 'a circular reference' };
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        const itemPath = `${path}[${index}]`;
        if (!(index in value)) return { path: itemPath, found: 'a hole in a sparse array' };
        const problem = visit(value[index], itemPath, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return { path, found: describe(value) };
    if (Object.getOwnPropertySymbols(value).length > 0) return { path, found: 'an object with symbol keys' };
    for (const [key, item] of Object.entries(value)) {
      const problem = visit(item, childPath(path, key), ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

/** Throws `store.not_json` naming the path of the first value that is not plain JSON. */
export function assertStoreJson(store: string, value: unknown, path = 'value'): void {
  const problem = findNonJson(value, path);
  if (!problem) return;
  throw new StoreError('store.not_json', {
    message: `${store} store: ${problem.path} is ${problem.found}, which is not plain JSON; nothing was written`,
    hint: 'Store only plain JSON (objects, arrays, strings, finite numbers, booleans, null): convert dates to ISO strings, BigInt to strings, Map/Set to arrays or objects, and drop undefined fields.',
    context: { plugin: store },
  });
}
