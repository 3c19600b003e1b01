/**
 * Checks a value against the JSON Schema subset tools' input schemas use (type, properties,
 * required, additionalProperties, enum, const, lengths, bounds, pattern, items, anyOf/oneOf/allOf).
 * The console uses it before sending an edited input; the server checks again with the tool's own schema.
 */
import type { JsonSchema } from './api';

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number' && Number.isInteger(value)
        ? 'integer'
        : typeof value;

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  const actual = typeOf(value);
  return types.some((expected) => expected === actual || (expected === 'number' && actual === 'integer'));
}

/** Problems of `value` against `schema`, as `path: message` lines; empty when it fits. */
export function checkAgainstSchema(schema: JsonSchema | undefined, value: unknown, path = 'input'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const problems: string[] = [];
  const add = (message: string) => problems.push(`${path}: ${message}`);
  if (schema.type !== undefined && !matchesType(value, schema.type)) {
    add(
      `expected ${Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type)}, got ${typeOf(value)}`,
    );
    return problems;
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))
  ) {
    add(`must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    add(`must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      add(`must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      add(`must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      add(`must match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) add(`must be ≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) add(`must be ≤ ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    for (const [index, item] of value.entries()) {
      problems.push(...checkAgainstSchema(schema.items as JsonSchema, item, `${path}[${index}]`));
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in object)) problems.push(`${path}.${key}: is required`);
    }
    for (const [key, inner] of Object.entries(object)) {
      if (properties[key]) problems.push(...checkAgainstSchema(properties[key], inner, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key}: is not allowed`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(
          ...checkAgainstSchema(schema.additionalProperties as JsonSchema, inner, `${path}.${key}`),
        );
      }
    }
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (
      Array.isArray(options) &&
      !options.some((option) => checkAgainstSchema(option as JsonSchema, value, path).length === 0)
    ) {
      add(`matches none of the allowed shapes`);
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) problems.push(...checkAgainstSchema(part as JsonSchema, value, path));
  }
  return problems;
}
