// Child process of run-abort.test.ts: a run whose tool never settles and holds no handle, under maxDurationMs.
// Prints the result as one JSON line. Loads the TypeScript sources through jiti (no build needed).
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url);
const { z } = await import('zod');
const { scriptedRuntime } = await jiti.import('./runtime-fixture.ts');
const { defineTool } = await jiti.import('../../plugin/define-tool.ts');

const hang = defineTool({
  name: 'hang',
  description: 'Never returns',
  input: z.object({}),
  sideEffects: 'none',
  execute: () => new Promise(() => {}),
});
const { runtime } = scriptedRuntime([{ toolCalls: [{ tool: 'hang', input: {} }] }, 'done'], {
  tools: [hang],
  budget: { maxDurationMs: Number(process.argv[2] ?? 300) },
});
const result = await runtime.run({ agent: 'assistant', input: 'go' });
await runtime.close();
console.log(
  JSON.stringify({ status: result.status, stopReason: result.stopReason, code: result.error?.code }),
);
