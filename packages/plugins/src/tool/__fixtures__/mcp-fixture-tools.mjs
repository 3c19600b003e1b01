/** Tools of the MCP test servers (stdio and streamable HTTP): add, echo, fail, wait, crash. */
import { connect } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** A fresh McpServer with the fixture tools registered. */
export function createFixtureServer() {
  const server = new McpServer({ name: 'agentry-fixture', version: '1.0.0' });
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number().describe('first addend'), b: z.number().describe('second addend') },
      outputSchema: { sum: z.number() },
      annotations: { readOnlyHint: true },
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    'echo',
    {
      description: 'Echoes a text, optionally in upper case',
      inputSchema: { text: z.string().min(1), shout: z.boolean().optional() },
    },
    async ({ text, shout }) => ({ content: [{ type: 'text', text: shout ? text.toUpperCase() : text }] }),
  );
  server.registerTool(
    'fail',
    { description: 'Always reports an error', inputSchema: { reason: z.string() } },
    async ({ reason }) => ({
      isError: true,
      content: [{ type: 'text', text: `failed on purpose: ${reason}` }],
    }),
  );
  server.registerTool(
    'wait',
    {
      description: 'Waits until cancelled or the time is up',
      inputSchema: {
        ms: z.number().int(),
        startedPort: z
          .number()
          .int()
          .optional()
          .describe('a local port to connect to once the wait has begun'),
      },
    },
    async ({ ms, startedPort }, extra) =>
      new Promise((resolve) => {
        if (startedPort !== undefined) connect(startedPort, '127.0.0.1').on('error', () => undefined);
        const timer = setTimeout(() => resolve({ content: [{ type: 'text', text: 'waited' }] }), ms);
        extra.signal.addEventListener('abort', () => clearTimeout(timer));
      }),
  );
  server.registerTool(
    'crash',
    { description: 'Makes the server process exit', inputSchema: {} },
    async () => {
      setImmediate(() => process.exit(3));
      return new Promise(() => undefined);
    },
  );
  return server;
}
