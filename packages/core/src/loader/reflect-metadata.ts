/**
 * The `reflect-metadata` polyfill (tsyringe needs it; decorators in plugins may use it too), installed on
 * first need: before core loads tsyringe and before it imports a plugin impl. Importing `@agentry/core` does
 * not load it (a few milliseconds of `import('@agentry/core')`). It is loaded with `require`, as the CommonJS
 * file it is: an ESM `import` of CommonJS first has Node scan the whole 64 kB source for named exports, and
 * the polyfill exports nothing we use. Node's CommonJS cache holds one instance, so a later
 * `import 'reflect-metadata'` elsewhere finds it installed.
 */
import { createRequire } from 'node:module';

let installed = false;

/** Installs the polyfill once (a no-op afterwards). */
export function installReflectMetadata(): void {
  if (installed) return;
  createRequire(import.meta.url)('reflect-metadata');
  installed = true;
}
