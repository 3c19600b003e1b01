/**
 * Renders the API's shapes (the OpenAPI document's `components.schemas`, made from the server's zod
 * schemas) as TypeScript types for the console: `packages/console/src/api-types.ts`. The console
 * imports no workspace package, so it gets the types as a generated file; a test keeps it current.
 */
import { openApiDocument } from './api-reference.js';

/** The parts of JSON Schema (OpenAPI 3.1) the API's shapes use. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  description?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

const SCALARS: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A literal in the console's style (single quotes). */
function literal(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : JSON.stringify(value);
}

function comment(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n` : '';
}

/** A union member that needs parentheses inside an array or an intersection. */
const grouped = (type: string): string => (/[|&]/.test(type) && !type.startsWith('{') ? `(${type})` : type);

function objectType(schema: Schema, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const lines: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const key = IDENTIFIER.test(name) ? name : literal(name);
    const optional = required.has(name) ? '' : '?';
    lines.push(
      `${comment(property.description, inner)}${inner}${key}${optional}: ${typeOf(property, inner)};`,
    );
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    const values = extra === true || lines.length > 0 ? 'unknown' : typeOf(extra, inner);
    lines.push(`${inner}[key: string]: ${values};`);
  }
  return lines.length === 0 ? 'Record<string, unknown>' : `{\n${lines.join('\n')}\n${indent}}`;
}

function typeOf(schema: Schema, indent = ''): string {
  if (schema.$ref) return schema.$ref.split('/').pop() as string;
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((member) => typeOf(member, indent)).join(' | ');
  if (schema.allOf) return schema.allOf.map((member) => grouped(typeOf(member, indent))).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return schema.properties ? objectType(schema, indent) : 'unknown';
  return types
    .map((type) => {
      if (type === 'array') return `${grouped(schema.items ? typeOf(schema.items, indent) : 'unknown')}[]`;
      if (type === 'object') return objectType(schema, indent);
      return SCALARS[type] ?? 'unknown';
    })
    .join(' | ');
}

/** The generated module's text. */
export function renderConsoleTypes(document: Record<string, unknown> = openApiDocument()): string {
  const schemas = (document as { components?: { schemas?: Record<string, Schema> } }).components?.schemas;
  const parts = [
    "// Generated from the API's OpenAPI document by packages/server/scripts/gen-console-types.mjs.",
    '// Do not edit: change the zod schemas in packages/server/src/schemas.ts and run `npm run docs -w @agentry/server`.',
    '',
  ];
  for (const [name, schema] of Object.entries(schemas ?? {})) {
    const type = typeOf(schema);
    const plainObject = schema.type === 'object' && type.startsWith('{');
    parts.push(
      `${comment(schema.description, '')}export ${plainObject ? `interface ${name} ${type}` : `type ${name} = ${type};`}`,
      '',
    );
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
