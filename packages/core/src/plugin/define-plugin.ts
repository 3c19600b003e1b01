/** `definePlugin`: the typed way to export a plugin that config slots can load by name or path. */
import type { z } from 'zod';
import type { PluginDefinition, PluginDeps, PluginKind, PluginKindMap } from '../contracts/plugin.js';
import { PLUGIN_SPEC_VERSIONS } from '../contracts/plugin.js';

/** Input of `definePlugin`; `specVersion` defaults to the kind's current version. */
export interface DefinePluginInput<K extends PluginKind, S extends z.ZodType> {
  kind: K;
  name: string;
  description: string;
  specVersion?: number;
  configSchema: S;
  create(config: z.output<S>, deps: PluginDeps): PluginKindMap[K] | Promise<PluginKindMap[K]>;
}

/**
 * Declares a plugin. Export the result and point a config slot at it with
 * `impl: ./my-plugin.ts#myPlugin`.
 *
 * @example
 * ```ts
 * export const myMemory = definePlugin({
 *   kind: 'memory',
 *   name: 'my-memory',
 *   description: 'Remembers the last message',
 *   configSchema: z.object({ size: z.number().default(1) }),
 *   create: (config) => new MyMemory(config),
 * });
 * ```
 */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(
  input: DefinePluginInput<K, S>,
): PluginDefinition<K, z.output<S>> {
  return Object.freeze({
    kind: input.kind,
    name: input.name,
    description: input.description,
    specVersion: input.specVersion ?? PLUGIN_SPEC_VERSIONS[input.kind],
    configSchema: input.configSchema as unknown as z.ZodType<z.output<S>>,
    create: input.create,
  });
}
