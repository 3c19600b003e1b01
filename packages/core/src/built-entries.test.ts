import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The published build (dist: the entries bundled with shared chunks, scripts/bundle.mjs), loaded by package name
// in a fresh Node process as a user's program loads it. `npm test` builds first (turbo: test depends on build).
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function runBuilt(code: string, flags: readonly string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], {
    cwd: packageDir,
    encoding: 'utf8',
  }).trim();
}

describe('the built @agentry/core', () => {
  it('an error thrown by core is an instance of the classes that every entry exports', () => {
    const output = runBuilt(`
      const main = await import('@agentry/core');
      const plugin = await import('@agentry/core/plugin');
      const internal = await import('@agentry/core/internal');
      let thrown;
      try { main.parseConfig('agents: [', '/project/agentry.yaml'); } catch (error) { thrown = error; }
      const loader = new internal.PluginLoader({ baseDir: '/project' });
      console.log(JSON.stringify({
        name: thrown?.name,
        mainClass: thrown instanceof main.ConfigError && thrown instanceof main.AgentryError,
        pluginClass: thrown instanceof plugin.AgentryError && plugin.isAgentryError(thrown),
        sameToolError: plugin.ToolError === main.ToolError,
        loaderIsRuntimeClass: loader.constructor.name,
      }));
    `);
    expect(JSON.parse(output)).toEqual({
      name: 'ConfigError',
      mainClass: true,
      pluginClass: true,
      sameToolError: true,
      loaderIsRuntimeClass: 'PluginLoader',
    });
  });

  it('with source maps on, a stack trace names the src file and function that threw', () => {
    const stack = runBuilt(
      `
      const { parseConfig } = await import('@agentry/core');
      try { parseConfig('agents: [', '/project/agentry.yaml'); } catch (error) { console.log(error.stack); }
    `,
      ['--enable-source-maps'],
    );
    expect(stack).toMatch(/at configErrorFor \(.*[/\\]src[/\\]config[/\\]issues\.ts:\d+:\d+\)/);
  });
});
