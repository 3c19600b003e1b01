/** Turns a plugin's config schema (as input-side JSON Schema) into the rows of a reference table. */

/** A JSON Schema node as `z.toJSONSchema` emits it (only the parts the table reads). */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: { [key: string]: SchemaNode };
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  secret?: boolean;
}

/** One row of a config table. */
export interface ConfigRow {
  /** Dotted key path, e.g. `pricing.inputPerMillion`. */
  key: string;
  type: string;
  /** `required`, a JSON default in backticks, or an empty string. */
  default: string;
  description: string;
}

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** True for a plugin slot (`name`, `{ type, config }` or `{ impl, config }`), so it reads as one word. */
function isSlot(node: SchemaNode): boolean {
  const options = node.anyOf ?? [];
  return (
    options.length === 3 &&
    options[0]?.type === 'string' &&
    options.some((option) => option.properties?.type !== undefined) &&
    options.some((option) => option.properties?.impl !== undefined)
  );
}

function range(node: SchemaNode): string {
  const low =
    node.exclusiveMinimum !== undefined
      ? `> ${node.exclusiveMinimum}`
      : node.minimum !== undefined
        ? `≥ ${node.minimum}`
        : '';
  const high =
    node.maximum !== undefined && node.maximum < SAFE_INTEGER
      ? `≤ ${node.maximum}`
      : node.exclusiveMaximum !== undefined
        ? `< ${node.exclusiveMaximum}`
        : '';
  return [low, high].filter((part) => part !== '').join(', ');
}

/** A short type expression: `string`, `integer > 0`, `"a" \| "b"`, `string[]`, `map of string`, `slot`. */
export function typeOf(node: SchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (isSlot(node)) return 'plugin slot';
  const options = node.anyOf ?? node.oneOf;
  if (options) return options.map(typeOf).join(' | ');
  const type = Array.isArray(node.type) ? node.type.join(' | ') : node.type;
  if (type === 'array') {
    const item = node.items ? typeOf(node.items) : 'any';
    if (item === 'plugin slot') return 'list of plugin slots';
    return item.includes(' ') ? `(${item})[]` : `${item}[]`;
  }
  if (type === 'object') {
    if (node.properties && Object.keys(node.properties).length > 0) return 'object';
    const values = node.additionalProperties;
    return typeof values === 'object' ? `map of ${typeOf(values)}` : 'object';
  }
  if (type === 'integer' || type === 'number') {
    const bounds = range(node);
    return bounds === '' ? type : `${type} ${bounds}`;
  }
  if (type === 'string' && node.format === 'uri') return 'string (URL)';
  return type ?? 'any';
}

/** Escapes text for one markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The rows of `schema` (an object schema), nested objects flattened with
 * dotted keys right after their parent row. Secret values are marked.
 */
export function configRows(schema: SchemaNode, prefix = ''): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    const defaultText =
      node.default !== undefined
        ? `\`${JSON.stringify(node.default)}\``
        : required.has(name)
          ? 'required'
          : '';
    const secret = node.secret === true ? ' Secret: redacted wherever it could be printed or stored.' : '';
    rows.push({
      key,
      type: typeOf(node),
      default: defaultText,
      description: `${node.description ?? ''}${secret}`.trim(),
    });
    if (node.type === 'object' && node.properties && Object.keys(node.properties).length > 0) {
      rows.push(...configRows(node, `${key}.`));
    }
  }
  return rows;
}

/** The markdown table of `rows`, or a sentence when the plugin takes no options. */
export function configTable(rows: readonly ConfigRow[]): string {
  if (rows.length === 0) return 'This plugin takes no options.';
  const lines = ['| Key | Type | Default | Description |', '|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| \`${row.key}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`);
  }
  return lines.join('\n');
}
