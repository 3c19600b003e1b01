/**
 * The JSON Schema of `agentry.yaml` that `agentry schema` prints: core's schema of the file, with every plugin
 * slot replaced by one that knows the builtins of its kind. A slot takes a builtin name (an enum), `{ type,
 * config }` with `type` as the discriminator and that builtin's own config schema, or `{ impl, config }`
 * with a free-form config. Core cannot build this (core never imports plugins); the CLI sees both, imports
 * each builtin's definition (no user code) and assembles it here.
 */
import { type BuiltinPluginInfo, listBuiltinPlugins, type PluginKind } from '@agentry/core';
import { z } from 'zod';
import { loadDefinition } from './commands/plugin-details.js';
import { configJsonSchema } from './core-api.js';

type JsonSchema = Record<string, unknown>;

/** The nearest property name → the plugin kind of the slots under it. */
const SLOT_KINDS: Readonly<Record<string, PluginKind>> = {
  runtime: 'runtime',
  store: 'store',
  events: 'event-bus',
  pattern: 'pattern',
  memory: 'memory',
  context: 'context-assembler',
  toolExecutor: 'tool-executor',
  tools: 'tool',
};

const APPROVAL = { type: 'string', enum: ['never', 'always'] };

/** A builtin's config as JSON Schema (input side), or a free-form object when zod cannot express it. */
function configSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return json as JsonSchema;
  } catch {
    return { type: 'object' };
  }
}

/** Is `value` core's generic slot: `anyOf [name, { type, config }, { impl, config }]`? */
function isGenericSlot(value: JsonSchema): boolean {
  const options = value.anyOf;
  if (!Array.isArray(options) || options.length !== 3) return false;
  const required = options.map((option) => JSON.stringify((option as JsonSchema).required ?? null));
  return required[0] === 'null' && required[1] === '["type"]' && required[2] === '["impl"]';
}

/** The slot schema of one kind: builtin names, one `{ type, config }` per builtin, and `{ impl, config }`. */
function slotSchema(
  kind: PluginKind,
  builtins: readonly { info: BuiltinPluginInfo; config: JsonSchema }[],
  implOption: JsonSchema,
): JsonSchema {
  const names = builtins.map(({ info }) => info.name);
  const typed = builtins.map(({ info, config }) => ({
    type: 'object',
    description: info.description,
    properties: {
      type: { const: info.name },
      config,
      ...(kind === 'tool' ? { approval: APPROVAL } : {}),
    },
    required: ['type'],
    additionalProperties: false,
  }));
  return {
    anyOf: [
      { type: 'string', enum: names, description: `a builtin ${kind}: ${names.join(', ')}` },
      ...typed,
      implOption,
    ],
  };
}

/** One model entry per builtin provider: its config keys sit beside `provider`. */
function modelSchemas(builtins: readonly { info: BuiltinPluginInfo; config: JsonSchema }[]): JsonSchema[] {
  return builtins.map(({ info, config }) => ({
    type: 'object',
    description: info.description,
    properties: { provider: { const: info.name }, ...((config.properties as JsonSchema | undefined) ?? {}) },
    required: ['provider', ...((config.required as string[] | undefined) ?? [])],
    additionalProperties: config.additionalProperties ?? false,
  }));
}

/** Replaces every generic slot under a known key (and the provider form of models) in place. */
function rewrite(value: unknown, key: string | undefined, slots: Map<PluginKind, JsonSchema>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, key, slots));
  if (typeof value !== 'object' || value === null) return value;
  const node = value as JsonSchema;
  const kind = key === undefined ? undefined : SLOT_KINDS[key];
  if (kind !== undefined && isGenericSlot(node)) {
    const { anyOf: _generic, ...rest } = node;
    return { ...rest, $ref: `#/$defs/${kind}-slot` };
  }
  const result: JsonSchema = {};
  for (const [name, child] of Object.entries(node)) {
    // Keys under `properties` name config keys; anything else keeps the nearest property name.
    if (name === 'properties' && typeof child === 'object' && child !== null) {
      result[name] = Object.fromEntries(
        Object.entries(child as JsonSchema).map(([property, schema]) => [
          property,
          rewrite(schema, property, slots),
        ]),
      );
    } else {
      result[name] = rewrite(child, key, slots);
    }
  }
  return result;
}

/**
 * The full JSON Schema of the config file. Imports every builtin plugin's module (to read its config
 * schema), never a user's file.
 */
export async function fullConfigSchema(): Promise<JsonSchema> {
  const byKind = new Map<PluginKind, { info: BuiltinPluginInfo; config: JsonSchema }[]>();
  for (const info of listBuiltinPlugins()) {
    const definition = await loadDefinition(info);
    const list = byKind.get(info.kind) ?? [];
    list.push({ info, config: configSchemaOf(definition.configSchema) });
    byKind.set(info.kind, list);
  }
  const base = configJsonSchema() as JsonSchema & { properties: Record<string, JsonSchema> };
  const slots = new Map<PluginKind, JsonSchema>();
  const defs: JsonSchema = {};
  const implOf = (kind: PluginKind): JsonSchema => ({
    type: 'object',
    description: 'your own plugin: "<package or ./path>#<export>"; its config is checked by its own schema',
    properties: {
      impl: { type: 'string', minLength: 1 },
      config: { type: 'object' },
      ...(kind === 'tool' ? { approval: APPROVAL } : {}),
    },
    required: ['impl'],
    additionalProperties: false,
  });
  for (const kind of new Set(Object.values(SLOT_KINDS))) {
    const schema = slotSchema(kind, byKind.get(kind) ?? [], implOf(kind));
    slots.set(kind, schema);
    defs[`${kind}-slot`] = schema;
  }
  const rewritten = rewrite(base, undefined, slots) as JsonSchema & {
    properties: { models: { additionalProperties: { anyOf: JsonSchema[] } } };
  };
  const models = rewritten.properties.models.additionalProperties;
  const [, ...implModels] = models.anyOf;
  models.anyOf = [...modelSchemas(byKind.get('model') ?? []), ...implModels];
  return { ...rewritten, $defs: { ...((rewritten.$defs as JsonSchema | undefined) ?? {}), ...defs } };
}
