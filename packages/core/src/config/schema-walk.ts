/** Walks zod schemas alongside values: the schema at a key path, known keys, and fields marked secret. */
import { z } from 'zod';
import type { Redactor } from '../contracts/services.js';
import { UNION_CHOOSERS } from './schema.js';

type Path = readonly (string | number)[];

interface DefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  getter?: () => z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function definition(schema: z.ZodType): DefLike {
  return (schema as unknown as { _zod: { def: DefLike } })._zod.def;
}

/** Removes optional/default/pipe wrappers; picks a union's option by the value when it can. */
export function unwrapSchema(schema: z.ZodType, value: unknown, unions = true): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = definition(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else if (def.type === 'union' && def.options && unions) {
      const chosen = UNION_CHOOSERS.get(current)?.(value);
      if (chosen instanceof z.ZodType) current = chosen;
      else {
        const objectOption = def.options.find((option) => definition(option).type === 'object');
        if (!objectOption || typeof value !== 'object' || value === null) return current;
        current = objectOption;
      }
    } else return current;
  }
  return current;
}

/**
 * The schema (unwrapped) and value at `path`, or undefined when the path
 * leaves the schema. `union` is the schema there before a union was resolved.
 */
export function schemaAt(
  schema: z.ZodType,
  value: unknown,
  path: Path,
): { schema: z.ZodType; union: z.ZodType; value: unknown } | undefined {
  let union = unwrapSchema(schema, value, false);
  let current = unwrapSchema(schema, value);
  let currentValue = value;
  for (const key of path) {
    const def = definition(current);
    let next: z.ZodType | undefined;
    if (def.type === 'object') next = def.shape?.[String(key)] ?? def.catchall;
    else if (def.type === 'record') next = def.valueType;
    else if (def.type === 'array') next = def.element;
    if (!next) return undefined;
    currentValue = valueAt(currentValue, [key]);
    union = unwrapSchema(next, currentValue, false);
    current = unwrapSchema(next, currentValue);
  }
  return { schema: current, union, value: currentValue };
}

/** The zod type name of a schema (`number`, `boolean`, `string`, `object` …). */
export function schemaType(schema: z.ZodType): string {
  return definition(schema).type;
}

/** Keys an object schema declares (empty for non-objects). */
export function knownKeys(schema: z.ZodType): string[] {
  const def = definition(schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The value at `path`, or undefined. */
export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** True when the schema is marked secret with `.meta({ secret: true })`. */
export function isSecretSchema(schema: z.ZodType): boolean {
  for (let current: z.ZodType | undefined = schema, depth = 0; current && depth < 8; depth++) {
    if ((z.globalRegistry.get(current) as { secret?: unknown } | undefined)?.secret === true) return true;
    const def = definition(current);
    current = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
  }
  return false;
}

/** Registers every string value that `schema` marks secret (`.meta({ secret: true })`) with the redactor. */
export function registerSchemaSecrets(
  schema: z.ZodType,
  value: unknown,
  redactor: Redactor,
  depth = 0,
): void {
  if (depth > 32) return;
  if (isSecretSchema(schema)) {
    if (typeof value === 'string') redactor.addSecret(value);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const current = unwrapSchema(schema, value);
  const def = definition(current);
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const next =
      def.type === 'object'
        ? (def.shape?.[String(key)] ?? def.catchall)
        : def.type === 'record'
          ? def.valueType
          : def.type === 'array'
            ? def.element
            : undefined;
    if (next) registerSchemaSecrets(next, item, redactor, depth + 1);
  }
}
