/** Loads config run hooks (`hooks.beforeRun` / `hooks.afterRun`, global or per agent): impl paths and builtins. */
import type { AgentryConfig } from '../../config/schema.js';
import type { Store } from '../../contracts/store.js';
import { loadHook } from './hook-loader.js';
import { inputScreen } from './input-screen.js';
import type { AfterRunHook, BeforeRunHook, RunHooks } from './run-hooks.js';
import { runRateLimit } from './run-rate-limit.js';

type Path = readonly (string | number)[];
type RunHooksConfig = NonNullable<AgentryConfig['hooks']>;

/** Imports the hooks of one `hooks:` block; `base` is its key path (`['hooks']` or `['agents', id, 'hooks']`). */
export async function loadRunHooks(
  config: Partial<RunHooksConfig> | undefined,
  base: Path,
  baseDir: string,
  locate: (path: Path) => string | undefined,
  store: () => Store,
): Promise<RunHooks> {
  const name = base.join('.');
  const beforeRun: BeforeRunHook[] = [];
  for (const [index, entry] of (config?.beforeRun ?? []).entries()) {
    if (typeof entry !== 'string') {
      beforeRun.push(
        entry.type === 'rate-limit' ? runRateLimit(entry.config, store) : inputScreen(entry.config),
      );
      continue;
    }
    const path = [...base, 'beforeRun', index];
    beforeRun.push(await loadHook<BeforeRunHook>(entry, baseDir, `${name}.beforeRun`, locate, path));
  }
  const afterRun: AfterRunHook[] = [];
  for (const [index, entry] of (config?.afterRun ?? []).entries()) {
    const path = [...base, 'afterRun', index];
    afterRun.push(await loadHook<AfterRunHook>(entry, baseDir, `${name}.afterRun`, locate, path));
  }
  return { beforeRun, afterRun };
}
