/** `agentry plugins <name>`: one builtin in detail, with the config keys its schema accepts. */
import { type BuiltinPluginInfo, isPluginDefinition, type PluginDefinition } from '@agentry/core';
import { z } from 'zod';
import type { CliContext } from '../context.js';
import { EXIT, UsageError } from '../render/errors.js';
import { didYouMean } from '../render/suggest.js';

/** One config key of a plugin. */
export interface PluginConfigKey {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

function typeName(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeName))].join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeName(schema.items) : 'any'}[]`;
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
}

/** Imports a builtin's implementation and returns its definition. */
export async function loadDefinition(info: BuiltinPluginInfo): Promise<PluginDefinition> {
  const [specifier, exportName] = info.impl.split('#') as [string, string];
  const module = (await import(specifier)) as Record<string, unknown>;
  const value = module[exportName];
  const candidate = isPluginDefinition(value) ? value : (value as { plugin?: unknown } | undefined)?.plugin;
  if (!isPluginDefinition(candidate)) throw new Error(`${info.impl} does not export a plugin definition`);
  return candidate;
}

/** The config keys of a definition, from its zod schema. */
export function configKeys(definition: PluginDefinition): PluginConfigKey[] {
  let schema: JsonSchema;
  try {
    schema = z.toJSONSchema(definition.configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return [];
  }
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) => ({
    key,
    type: typeName(property),
    required: required.has(key),
    ...(property.default === undefined ? {} : { default: property.default }),
    ...(property.description === undefined ? {} : { description: property.description }),
  }));
}

/** The YAML that selects a builtin, by kind. */
export function usage(kind: BuiltinPluginInfo['kind'], name: string): string {
  switch (kind) {
    case 'tool':
      return `tools: [{ type: ${name}, config: { … } }]   (in an agent)`;
    case 'model':
      return `models: { <name>: { provider: ${name}, … } }`;
    case 'store':
    case 'runtime':
      return `${kind}: { type: ${name}, config: { … } }`;
    case 'event-bus':
      return `events: { type: ${name}, config: { … } }`;
    case 'context-assembler':
      return `context: { type: ${name}, config: { … } }   (in an agent)`;
    case 'tool-executor':
      return `toolExecutor: { type: ${name}, config: { … } }   (in an agent)`;
    default:
      return `${kind}: { type: ${name}, config: { … } }   (in an agent)`;
  }
}

/** Prints every builtin named `name` (several kinds may share a name). */
export async function showPlugin(
  context: CliContext,
  plugins: readonly BuiltinPluginInfo[],
  name: string,
): Promise<number> {
  const matches = plugins.filter((plugin) => plugin.name === name);
  if (matches.length === 0) {
    const names = [...new Set(plugins.map((plugin) => plugin.name))];
    throw new UsageError(
      `No builtin plugin named "${name}".${didYouMean(name, names)}`,
      'List them with `agentry plugins`.',
    );
  }
  const details = await Promise.all(
    matches.map(async (info) => ({ ...info, config: configKeys(await loadDefinition(info)) })),
  );
  if (context.json) {
    context.printJson(details.length === 1 ? details[0] : details);
    return EXIT.ok;
  }
  const style = context.style;
  for (const detail of details) {
    const lines = [
      `${style.bold(detail.name)} ${style.dim(`(${detail.kind})`)}  ${detail.description}`,
      `  impl    ${detail.impl}`,
      `  use     ${usage(detail.kind, detail.name)}`,
    ];
    if (detail.config.length === 0) lines.push('  config  (none)');
    else lines.push('  config');
    for (const key of detail.config) {
      const extra = [
        key.required ? 'required' : undefined,
        key.default === undefined ? undefined : `default ${JSON.stringify(key.default)}`,
      ].filter((part) => part !== undefined);
      lines.push(
        `    ${key.key.padEnd(18)} ${key.type}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}${key.description ? `  ${style.dim(key.description)}` : ''}`,
      );
    }
    context.human(lines.join('\n'));
  }
  return EXIT.ok;
}
