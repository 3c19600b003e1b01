/** The `yaml` module, loaded on first use so that importing `@agentry/core` does not pay for it. */
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;

/**
 * The `yaml` package, required synchronously on the first call (its Node entry
 * is CommonJS, so this is the same module instance an `import 'yaml'` gives).
 */
export function yamlModule(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}
