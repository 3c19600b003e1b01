/** MCP test server over stdio (started by the tests as a child process). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFixtureServer } from './mcp-fixture-tools.mjs';

await createFixtureServer().connect(new StdioServerTransport());
