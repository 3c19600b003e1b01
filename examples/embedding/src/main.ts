/** Starts the service: `npm run build && PORT=8080 npm start` in examples/embedding. */
import { fileURLToPath } from 'node:url';
import { createRuntime } from '@agentry/core';
import { createRefundTool, RefundLedger } from './refund-tool.js';
import { createAgentService, listen } from './service.js';

const ledger = new RefundLedger();
const runtime = await createRuntime({
  config: fileURLToPath(new URL('../agentry.yaml', import.meta.url)),
  tools: [createRefundTool(ledger)],
});
const server = createAgentService(runtime);
const url = await listen(server, Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
console.log(`Agentry service on ${url} (agents: ${runtime.agents().join(', ')})`);

const shutdown = () => {
  server.close();
  // Waits for active runs, then closes plugins and the store.
  void runtime.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
