/** Renders the OpenAPI document as the Markdown API reference (docs/reference/api.md); a test keeps the page current. */
import { createServer } from '../create-server.js';
import { documentWebhook } from '../routes/webhooks.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  anyOf?: Schema[];
  format?: string;
  additionalProperties?: Schema | boolean;
};
type Operation = {
  summary?: string;
  tags?: string[];
  'x-agentry-role'?: string;
  'x-agentry-trigger'?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
type Document = {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/**
 * The OpenAPI 3.1 document of the API, without a runtime (what `/openapi.json` serves), with the
 * webhook endpoints as one template (a server lists each configured trigger's path instead).
 */
export function openApiDocument(): Record<string, unknown> {
  const server = createServer({
    current: () => {
      throw new Error('The OpenAPI document needs no runtime');
    },
  });
  documentWebhook(server.app, { path: '{path}', trigger: '<agent>.<trigger id>' }, true);
  return server.openapi();
}

function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() as string;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  if (schema.type === 'object' && !schema.properties) return 'object';
  if (schema.type === 'object') return 'object (below)';
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any JSON');
  return schema.format ? `${type} (${schema.format})` : type;
}

const cell = (text: string | undefined): string => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fields(schema: Schema, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  const rows: string[] = [];
  for (const [name, inner] of Object.entries(schema.properties ?? {})) {
    rows.push(
      `| \`${prefix}${name}\` | ${typeOf(inner)} | ${required.has(name) ? 'yes' : ''} | ${cell(inner.description)} |`,
    );
    if (inner.type === 'object' && inner.properties) rows.push(...fields(inner, `${prefix}${name}.`));
    if (inner.type === 'array' && inner.items?.properties)
      rows.push(...fields(inner.items, `${prefix}${name}[].`));
  }
  return rows;
}

function operationSection(method: string, path: string, operation: Operation): string[] {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', operation.summary ?? '', ''];
  lines.push(
    operation['x-agentry-role']
      ? `Role: \`${operation['x-agentry-role']}\` or higher.`
      : operation['x-agentry-trigger']
        ? (operation.description ?? '')
        : 'No token needed (rate-limited).',
    '',
  );
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    lines.push('| parameter | in | type | required | description |', '|---|---|---|---|---|');
    for (const parameter of parameters) {
      lines.push(
        `| \`${parameter.name}\` | ${parameter.in} | ${typeOf(parameter.schema)} | ${parameter.required ? 'yes' : ''} | ${cell(parameter.description ?? parameter.schema?.description)} |`,
      );
    }
    lines.push('');
  }
  const body = operation.requestBody?.content['application/json']?.schema;
  if (body) lines.push(`Body: ${typeOf(body)}`, '');
  lines.push('| status | meaning | body |', '|---|---|---|');
  for (const [status, response] of Object.entries(operation.responses)) {
    const content = response.content ? Object.entries(response.content)[0] : undefined;
    const shown = content
      ? content[0] === 'application/json'
        ? typeOf(content[1].schema)
        : `\`${content[0]}\``
      : '';
    lines.push(`| ${status} | ${cell(response.description)} | ${shown} |`);
  }
  lines.push('');
  return lines;
}

/** The whole page. */
export function renderApiReference(document: Record<string, unknown> = openApiDocument()): string {
  const doc = document as unknown as Document;
  const lines = [
    '# HTTP API reference',
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs -w @agentry/server`; a test fails when it is stale. -->',
    '',
    doc.info.description,
    '',
    'The machine-readable document is served at `/openapi.json` (OpenAPI 3.1). Errors always have the shape',
    '[Error](#error): a stable `code`, a `message` and usually a `hint` that says what to do.',
    '',
    '| role | may |',
    '|---|---|',
    '| `viewer` | read runs, events, approvals, agents, metrics |',
    '| `approver` | also decide approvals (and send input into runs) |',
    '| `operator` | also start, cancel, interrupt and resume runs, and publish events |',
    '| `admin` | everything |',
    '',
  ];
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...operationSection(method, path, operation)]);
    }
  }
  for (const [tag, section] of byTag)
    lines.push(`## ${tag[0]?.toUpperCase()}${tag.slice(1)}`, '', ...section);
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components.schemas).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    lines.push(`### ${name}`, '');
    if (schema.properties) {
      lines.push('| field | type | required | description |', '|---|---|---|---|', ...fields(schema), '');
    } else lines.push(`${typeOf(schema)}`, '');
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
