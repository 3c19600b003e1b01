#!/usr/bin/env node
// The `agentry` command: see packages/cli/src/main.ts.
import { main } from '../dist/main.js';

await main();
