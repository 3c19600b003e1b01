import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('..', import.meta.url));
const project = fileURLToPath(new URL('./__fixtures__/project/', import.meta.url));

/** Runs `body` (an async function body with `main` = src/index.ts and `internal`) in a fresh Node process. */
function fresh(body: string): unknown {
  const script = `
    const { createJiti } = await import('jiti');
    const jiti = createJiti(${JSON.stringify(`${core}index.ts`)});
    const main = await jiti.import(${JSON.stringify(`${core}index.ts`)});
    const internal = await jiti.import(${JSON.stringify(`${core}internal.ts`)});
    const out = await (async () => { ${body} })();
    console.log(JSON.stringify(out));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: core,
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null');
}

/** A fresh process that transpiles core's src with jiti: 10–21 s seen on a loaded 2-core CI machine. */
const FRESH_PROCESS_TIMEOUT_MS = 60_000;

describe('the reflect-metadata polyfill', () => {
  it('is not loaded by importing core, and is there when a plugin impl loads and when tsyringe does', {
    timeout: FRESH_PROCESS_TIMEOUT_MS,
  }, () => {
    const seen = fresh(`
      const atImport = typeof Reflect.getMetadata;
      const loader = new internal.PluginLoader({ baseDir: ${JSON.stringify(project)} });
      const memory = await loader.load('memory', { impl: './decorated.js#decorated' }, ['memory']);
      const container = internal.createRootContainer();
      class Plain {}
      container.register('plain', { useValue: new Plain() });
      return { atImport, pluginSaw: memory.hasPolyfill, resolved: container.resolve('plain') instanceof Plain };
    `);
    expect(seen).toEqual({ atImport: 'undefined', pluginSaw: true, resolved: true });
  });
});
