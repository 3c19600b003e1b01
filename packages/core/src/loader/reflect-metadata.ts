/**
 * Installs the `reflect-metadata` polyfill (tsyringe needs it; decorators in plugins may use it too).
 * It is loaded with `require`, as the CommonJS file it is: an ESM `import` of CommonJS first has Node
 * scan the whole 64 kB source for named exports (~10 ms at import), and the polyfill exports nothing
 * we use. Either way Node's CommonJS cache holds one instance, so a later `import 'reflect-metadata'`
 * elsewhere finds it installed.
 */
import { createRequire } from 'node:module';

createRequire(import.meta.url)('reflect-metadata');
