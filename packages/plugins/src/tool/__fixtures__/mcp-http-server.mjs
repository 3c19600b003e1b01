/** MCP test server over streamable HTTP on 127.0.0.1 (stateless); prints `PORT <n>` once it listens. */
import http from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createFixtureServer } from './mcp-fixture-tools.mjs';

const httpServer = http.createServer(async (request, response) => {
  if (request.headers['x-fixture-token'] !== 'secret-token') {
    response.writeHead(401).end('missing x-fixture-token');
    return;
  }
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const body = text ? JSON.parse(text) : undefined;
  const server = createFixtureServer();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  response.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
});
httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${httpServer.address().port}\n`);
});
