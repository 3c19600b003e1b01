/**
 * Hand-written config checks of core's builtin plugins. The plugin loader tries one before the plugin's
 * zod schema: zod compiles a schema on its first parse (about a millisecond each), which a plain config
 * such as `store: memory` does not need. A check decides only configs it is sure of; anything else
 * (an unknown key, a wrong type, a nested option) goes to the schema, so every error message stays the
 * schema's. `fast-plugin-config.test.ts` compares each check with its schema.
 */
import type { PluginDefinition } from '../contracts/plugin.js';

/**
 * The config `definition.configSchema` would parse `raw` into, or `undefined` to leave `raw` to the
 * schema. Only for schemas that mark no value secret (the loader registers no schema secrets for it).
 */
export type FastConfigCheck = (raw: unknown) => Record<string, unknown> | undefined;

const checks = new WeakMap<PluginDefinition, FastConfigCheck>();

/** Attaches `check` to `definition` (core's builtins only) and returns the definition. */
export function withFastConfig<D extends PluginDefinition>(definition: D, check: FastConfigCheck): D {
  checks.set(definition, check);
  return definition;
}

/** The fast check's answer for `raw`, or `undefined` when the definition has none or it does not decide. */
export function fastPluginConfig(
  definition: PluginDefinition,
  raw: unknown,
): Record<string, unknown> | undefined {
  return checks.get(definition)?.(raw);
}

/** A plain object (from YAML or code) whose own keys are all among `known` and none is `undefined`. */
export function plainConfig(raw: unknown, known: readonly string[]): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const prototype = Object.getPrototypeOf(raw);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key) || record[key] === undefined) return undefined;
  }
  return record;
}

/** Check of a plugin without options (`z.object({}).strict()`, or only optional keys left unset): `{}` → `{}`. */
export const noOptions: FastConfigCheck = (raw) => (plainConfig(raw, []) === undefined ? undefined : {});
