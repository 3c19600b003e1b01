/** The `runtime:` slot: `default` builds `DefaultRuntime`; another impl gets the resolved setup in its deps. */
import type { PluginDeps, SlotConfig } from '../contracts/plugin.js';
import type { Runtime } from '../contracts/runtime.js';
import { PluginError } from '../errors/agentry-error.js';
import type { PluginLoader } from '../loader/plugin-loader.js';
import { DefaultRuntime, type DefaultRuntimeSetup, type RuntimePluginDeps } from './default-runtime.js';

/** Creates the runtime the config's `runtime` slot names. */
export async function loadRuntimeSlot(
  slot: SlotConfig,
  setup: DefaultRuntimeSetup,
  loader: PluginLoader,
): Promise<Runtime> {
  const isDefault =
    slot === 'default' || (typeof slot === 'object' && 'type' in slot && slot.type === 'default');
  return isDefault ? new DefaultRuntime(setup) : loadRuntimePlugin(slot, setup, loader);
}

/** A runtime plugin (`runtime: { impl }`): created with the resolved setup in its deps. */
async function loadRuntimePlugin(
  slot: SlotConfig,
  setup: DefaultRuntimeSetup,
  loader: PluginLoader,
): Promise<Runtime> {
  const definition = await loader.resolveDefinition('runtime', slot, ['runtime']);
  const parsed = definition.configSchema.safeParse((typeof slot === 'object' && slot.config) || {});
  if (!parsed.success) {
    throw new PluginError('plugin.config_invalid', {
      message: `runtime.config does not match the schema of runtime plugin "${definition.name}": ${parsed.error.message}`,
      hint: 'Fix runtime.config, or use runtime: default.',
      context: { plugin: definition.name, path: 'runtime.config' },
    });
  }
  const deps: RuntimePluginDeps = {
    baseDir: loader.baseDir,
    logger: setup.logger as PluginDeps['logger'],
    clock: setup.clock as PluginDeps['clock'],
    ids: setup.ids as PluginDeps['ids'],
    redactor: setup.redactor as PluginDeps['redactor'],
    store: () => setup.store,
    events: () => setup.events,
    models: () => {
      throw new PluginError('plugin.create_failed', {
        message: 'Runtime plugins receive their models through deps.setup.agents',
        hint: 'Read the models from deps.setup.',
      });
    },
    load: (kind, nested, path) => loader.load(kind, nested, path),
    setup,
  };
  const runtime = (await definition.create(parsed.data, deps)) as Runtime;
  if (typeof runtime !== 'object' || runtime === null || runtime.kind !== 'runtime') {
    throw new PluginError('plugin.create_failed', {
      message: `Runtime plugin "${definition.name}" did not return a runtime`,
      hint: "create() must return an object implementing the Runtime contract (kind: 'runtime').",
      context: { plugin: definition.name },
    });
  }
  return runtime;
}
